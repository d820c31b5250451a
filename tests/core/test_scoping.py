from hypothesis import given
from hypothesis import strategies as st

from edudx.core.scoping import Grant, Scope

segment = st.integers(min_value=1, max_value=40).map(str)
paths = st.lists(segment, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts) + "/")


@given(grants=st.lists(paths, max_size=6), target=paths)
def test_a_path_is_covered_exactly_when_it_lies_under_a_granted_unit(grants, target):
    scope = Scope(tuple(Grant("unit_staff", p) for p in grants))
    assert scope.covers(target) == any(target.startswith(p) for p in grants)


@given(grants=st.lists(paths, max_size=6))
def test_roots_drop_nested_grants_but_cover_the_same(grants):
    scope = Scope(tuple(Grant("teacher", p) for p in grants))
    roots = scope.roots()
    assert all(not a.startswith(b) for a in roots for b in roots if a != b)
    assert all(any(p.startswith(r) for r in roots) for p in grants)


def test_sibling_ids_sharing_a_prefix_are_not_covered():
    scope = Scope((Grant("unit_staff", "/1/5/"),))
    assert scope.covers("/1/5/42/")
    assert not scope.covers("/1/50/")
    assert not scope.covers("/1/")


def test_empty_scope_covers_nothing_and_roles_filter_grants():
    assert not Scope.empty().covers("/1/")
    scope = Scope((Grant("teacher", "/1/2/"), Grant("unit_staff", "/1/3/")))
    assert scope.only(["unit_staff"]).roots() == ["/1/3/"]
    assert scope.has_role("teacher", "/1/2/7/") and not scope.has_role("teacher", "/1/3/")
