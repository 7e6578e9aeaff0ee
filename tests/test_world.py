"""The world itself: the assumptions every other test leans on."""


from partnerships.roles import Role


def test_every_row_of_a_tenant_names_its_tenant_in_its_str(world):
    for side in world.sides():
        rows = side.all_rows()
        assert rows
        for row in rows:
            assert side.marker.lower() in str(row).lower(), f"{row._meta.label} {row.pk}: {row!s}"
        for user in side.users.values():
            assert side.marker in str(user)


def test_each_tenant_has_a_user_for_every_role_and_a_stranger_has_none(world):
    for side in world.sides():
        assert set(side.memberships) == set(Role)
        for role, membership in side.memberships.items():
            assert membership.role == role
            assert membership.convener_id == side.convener.pk
    from partnerships.models import Membership

    assert not Membership.unscoped.filter(user=world.stranger).exists()


def test_the_funder_is_granted_one_partnership_and_not_the_other(world):
    for side in world.sides():
        granted = list(side.memberships[Role.FUNDER].partnerships.all())
        assert granted == [side.granted_partnership]
        assert side.other_partnership not in granted


def test_the_pending_invitation_token_came_from_the_email(world):
    from partnerships.selectors import invitation_by_token

    for side in world.sides():
        assert side.invitation.status == "pending"
        assert invitation_by_token(token=side.invitation_token) == side.invitation


