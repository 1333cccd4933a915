"""Access: API keys, their roles, and what each role may do. Pure: no web framework, no Kafka."""

from satudata.access.keys import (
    ApiKey,
    InvalidKeyRecordError,
    KeyLookup,
    Keyring,
    KeyringUnavailableError,
    MalformedKeyError,
    MemoryKeyring,
    Role,
    generate,
    is_key_id,
    parse,
    verify,
)
from satudata.access.scope import (
    Audience,
    KeyScopeError,
    agency_of,
    audience_of,
    check_scope,
    may_publish,
    may_see,
    sees_small_cells,
)

__all__ = [
    "ApiKey",
    "Audience",
    "InvalidKeyRecordError",
    "KeyLookup",
    "KeyScopeError",
    "Keyring",
    "KeyringUnavailableError",
    "MalformedKeyError",
    "MemoryKeyring",
    "Role",
    "agency_of",
    "audience_of",
    "check_scope",
    "generate",
    "is_key_id",
    "may_publish",
    "may_see",
    "parse",
    "sees_small_cells",
    "verify",
]
