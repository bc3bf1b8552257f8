"""The kinds' specs name only fields their forms have (people, columns, applicant defaults)."""

import pytest

from xaso.civil_registry.kinds import SPECS


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_named_field_is_a_field_of_the_kinds_form(kind):
    spec = SPECS[kind]
    named = {spec.main_name_field, *spec.other_name_fields, *spec.columns, *spec.from_applicant}
    for role in spec.roles:
        named |= {role.name_field, role.id_field, role.dob_field}
    if spec.main_dob_field:
        named.add(spec.main_dob_field)

    assert named - {""} <= set(spec.fields)


def test_linked_people_of_a_marriage_are_read_from_their_own_fields():
    husband, wife = SPECS["marriage"].roles

    assert (husband.role, husband.name_field, husband.id_field, husband.dob_field) == (
        "husband",
        "husband_full_name",
        "husband_id_number",
        "husband_date_of_birth",
    )
    assert (wife.role, wife.name_field, wife.sex) == ("wife", "wife_full_name", "female")
