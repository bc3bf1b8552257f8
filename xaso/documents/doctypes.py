"""Document types and their abbreviations (ND 30/2020, Phụ lục III, verbatim).

Công văn and thư công have no abbreviation (PL III); their notation is issuer-drafting
unit (`45/UBND-VP`, PL I, II.3). Wrong values seen in public code (GN, TTh, NP, "TS",
"CV") are deliberately absent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    CONG_VAN = "cong_van", _("Công văn")
    THU_CONG = "thu_cong", _("Thư công")
    NGHI_QUYET = "nghi_quyet", _("Nghị quyết (cá biệt)")
    QUYET_DINH = "quyet_dinh", _("Quyết định (cá biệt)")
    CHI_THI = "chi_thi", _("Chỉ thị")
    QUY_CHE = "quy_che", _("Quy chế")
    QUY_DINH = "quy_dinh", _("Quy định")
    THONG_CAO = "thong_cao", _("Thông cáo")
    THONG_BAO = "thong_bao", _("Thông báo")
    HUONG_DAN = "huong_dan", _("Hướng dẫn")
    CHUONG_TRINH = "chuong_trinh", _("Chương trình")
    KE_HOACH = "ke_hoach", _("Kế hoạch")
    PHUONG_AN = "phuong_an", _("Phương án")
    DE_AN = "de_an", _("Đề án")
    DU_AN = "du_an", _("Dự án")
    BAO_CAO = "bao_cao", _("Báo cáo")
    BIEN_BAN = "bien_ban", _("Biên bản")
    TO_TRINH = "to_trinh", _("Tờ trình")
    HOP_DONG = "hop_dong", _("Hợp đồng")
    CONG_DIEN = "cong_dien", _("Công điện")
    BAN_GHI_NHO = "ban_ghi_nho", _("Bản ghi nhớ")
    BAN_THOA_THUAN = "ban_thoa_thuan", _("Bản thỏa thuận")
    GIAY_UY_QUYEN = "giay_uy_quyen", _("Giấy uỷ quyền")
    GIAY_MOI = "giay_moi", _("Giấy mời")
    GIAY_GIOI_THIEU = "giay_gioi_thieu", _("Giấy giới thiệu")
    GIAY_NGHI_PHEP = "giay_nghi_phep", _("Giấy nghỉ phép")
    PHIEU_GUI = "phieu_gui", _("Phiếu gửi")
    PHIEU_CHUYEN = "phieu_chuyen", _("Phiếu chuyển")
    PHIEU_BAO = "phieu_bao", _("Phiếu báo")
    BAN_SAO_Y = "ban_sao_y", _("Bản sao y")
    BAN_TRICH_SAO = "ban_trich_sao", _("Bản trích sao")
    BAN_SAO_LUC = "ban_sao_luc", _("Bản sao lục")


# PL III, verbatim (note QyĐ, BGN, BTT, SY, TrS, SL).
ABBREVIATIONS: dict[str, str] = {
    DocumentType.NGHI_QUYET: "NQ",
    DocumentType.QUYET_DINH: "QĐ",
    DocumentType.CHI_THI: "CT",
    DocumentType.QUY_CHE: "QC",
    DocumentType.QUY_DINH: "QyĐ",
    DocumentType.THONG_CAO: "TC",
    DocumentType.THONG_BAO: "TB",
    DocumentType.HUONG_DAN: "HD",
    DocumentType.CHUONG_TRINH: "CTr",
    DocumentType.KE_HOACH: "KH",
    DocumentType.PHUONG_AN: "PA",
    DocumentType.DE_AN: "ĐA",
    DocumentType.DU_AN: "DA",
    DocumentType.BAO_CAO: "BC",
    DocumentType.BIEN_BAN: "BB",
    DocumentType.TO_TRINH: "TTr",
    DocumentType.HOP_DONG: "HĐ",
    DocumentType.CONG_DIEN: "CĐ",
    DocumentType.BAN_GHI_NHO: "BGN",
    DocumentType.BAN_THOA_THUAN: "BTT",
    DocumentType.GIAY_UY_QUYEN: "GUQ",
    DocumentType.GIAY_MOI: "GM",
    DocumentType.GIAY_GIOI_THIEU: "GGT",
    DocumentType.GIAY_NGHI_PHEP: "GNP",
    DocumentType.PHIEU_GUI: "PG",
    DocumentType.PHIEU_CHUYEN: "PC",
    DocumentType.PHIEU_BAO: "PB",
    DocumentType.BAN_SAO_Y: "SY",
    DocumentType.BAN_TRICH_SAO: "TrS",
    DocumentType.BAN_SAO_LUC: "SL",
}

# Types written "issuer-drafting unit" without a type abbreviation (PL I, II.3).
WITHOUT_ABBREVIATION = frozenset({DocumentType.CONG_VAN, DocumentType.THU_CONG})

# Types with an outgoing layout template (PL I, mẫu 1.2, 1.4, 1.5, 1.7).
TEMPLATED = (
    DocumentType.CONG_VAN,
    DocumentType.QUYET_DINH,
    DocumentType.THONG_BAO,
    DocumentType.KE_HOACH,
    DocumentType.BAO_CAO,
    DocumentType.GIAY_MOI,
)


def abbreviation(doc_type: str) -> str:
    """The PL III abbreviation of `doc_type`, "" for công văn and thư công."""
    return ABBREVIATIONS.get(doc_type, "")


def type_for_abbreviation(abbr: str) -> str:
    """The type whose abbreviation is `abbr` (case-sensitive: QĐ ≠ QyĐ), or ""."""
    for doc_type, value in ABBREVIATIONS.items():
        if value == abbr:
            return str(doc_type)
    return ""


def type_for_heading(heading: str) -> str:
    """The type named by a document's upper-case heading ("QUYẾT ĐỊNH"), or ""."""
    wanted = heading.strip().casefold()
    for doc_type in DocumentType:
        name = str(doc_type.label).split(" (")[0].casefold()
        if name == wanted:
            return str(doc_type.value)
    return ""
