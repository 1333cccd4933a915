"""Errors of the region master, worded in Bahasa Indonesia and English for operators and developers alike."""

from __future__ import annotations


class InvalidRegionCodeError(ValueError):
    """A value that is not shaped like a Kemendagri region code (2, 4, 6 or 10 digits, dotted or not)."""

    def __init__(self) -> None:
        # The value itself stays out of the message: callers sometimes pass a NIK or KK number by mistake.
        super().__init__(
            "Kode wilayah tidak sah: harus 2, 4, 6 atau 10 digit (boleh bertitik, mis. 53.01.04.2003). / "
            "Invalid region code: it must have 2, 4, 6 or 10 digits (dots allowed, e.g. 53.01.04.2003)."
        )

    def __reduce__(self) -> tuple[type[InvalidRegionCodeError], tuple[()]]:
        # The default would pass the message back to __init__, which takes none.
        return type(self), ()


class UnknownRegionError(KeyError):
    """A well-formed region code that is not in the NTT region master."""

    _TEMPLATE = (
        "Kode wilayah {code} tidak dikenal di data wilayah NTT. / "
        "Region code {code} is not known in the NTT region master."
    )

    def __init__(self, code: str, template: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self._template = template or self._TEMPLATE

    def __reduce__(self) -> tuple[type[UnknownRegionError], tuple[str, str]]:
        return type(self), (self.code, self._template)

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; operators need a sentence.
        return self._template.format(code=self.code)
