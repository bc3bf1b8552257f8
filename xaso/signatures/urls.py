"""URLs of the digital signatures app (mounted at /chu-ky-so/)."""

from django.urls import path

from xaso.signatures import views

app_name = "signatures"

urlpatterns = [
    path("kiem-tra-cong-khai/", views.public_verify, name="public_verify"),
    path("kiem-tra/", views.verify, name="verify"),
    path("kiem-tra/<int:pk>/", views.verification_detail, name="verification_detail"),
    path("chung-thu-tin-cay/", views.trust_anchors, name="trust_anchors"),
    path("chung-thu-tin-cay/<int:pk>/go/", views.trust_anchor_remove, name="trust_anchor_remove"),
    path("chung-thu-cua-toi/", views.my_certificates, name="my_certificates"),
    path("chung-thu-cua-toi/<int:pk>/go/", views.certificate_remove, name="certificate_remove"),
    path("ky/", views.sign, name="sign"),
    path("cho-ky-so-co-quan/", views.seal_queue_page, name="seal_queue"),
]
