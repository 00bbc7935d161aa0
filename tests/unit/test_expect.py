"""The fixed comparisons, table-tested on canned values (nothing passes by default)."""

import pytest

from jsv.claims.expect import (
    absent,
    all_of,
    at_least,
    contains,
    equals,
    from_data,
    matches,
    mode_at_most,
    one_of,
)

CASES = [
    (equals(403), 403, True),
    (equals(403), 200, False),
    (equals((403, 200)), (403, 200), True),
    (equals((403, 200)), (200, 200), False),
    (one_of("a", "b"), "b", True),
    (one_of("a", "b"), "c", False),
    (contains("frame-ancestors"), "frame-ancestors 'self'", True),
    (contains("x"), "", False),
    (absent("tok3n"), "GET /?token=tok3n", False),
    (absent("tok3n"), "encrypted bytes", True),
    (absent("tok3n"), None, False),
    (matches(r"^argon2:"), "argon2:$argon2id$v=19", True),
    (matches(r"^argon2:"), "sha1:abc", False),
    (mode_at_most(0o600), 0o600, True),
    (mode_at_most(0o600), 0o400, True),
    (mode_at_most(0o600), 0o644, False),
    (mode_at_most(0o700), 0o4700, False),
    (mode_at_most(0o600), "0600", False),
    (all_of(a=equals(1), b=absent("s")), {"a": 1, "b": "text"}, True),
    (all_of(a=equals(1)), {"a": 2}, False),
    (all_of(a=equals(1)), {}, False),
    (contains("x"), None, False),
    (at_least(1), 2, True),
    (at_least(1), 0, False),
    (at_least(1), "2", False),
]


@pytest.mark.parametrize(("expectation", "value", "holds"), CASES)
def test_comparison(expectation, value, holds):
    assert expectation.holds_for(value) is holds


def test_descriptions_read_as_sentences():
    assert equals(403).description == "equals 403"
    assert mode_at_most(0o600).description == "mode at most 0600"
    assert absent("abc", "«token»").description == "does not contain «token»"


def test_registry_data_builds_the_same_comparisons():
    data = {
        "all_of": {
            "status": {"one_of": [200, 204]},
            "body": {"matches": "^ok"},
            "mode": {"mode_at_most": 0o600},
        }
    }
    expectation = from_data(data)
    assert expectation.holds_for({"status": 204, "body": "ok!", "mode": 0o600})
    assert not expectation.holds_for({"status": 204, "body": "ok!", "mode": 0o644})
    assert from_data({"equals": [403, 200]}).holds_for((403, 200))
