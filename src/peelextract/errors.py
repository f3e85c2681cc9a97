"""One exception tree. Every error says what was expected, what was found, and where.

The CLI maps them to exit codes (README "What happens to bad input"): any ``PeelError`` for one input
makes that input fail (exit 1 at the end of the batch); other inputs are still written.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar


class BatchSummary(Protocol):
    """What an ingestion batch's summary offers an error (``orchestrate.summary.RunSummary`` is one): errors.py
    sits on the lowest floor and names no module above it, not even for an annotation."""

    @property
    def source(self) -> str: ...

    def line(self) -> str: ...


SummaryT = TypeVar("SummaryT", bound=BatchSummary)


class PeelError(Exception):
    """Base of every error peelextract raises on purpose. ``code`` is stable and machine-readable."""

    code = "error"

    def __init__(self, source: str, reason: str, *, page: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.page = page
        where = f"{source} (page {page})" if page is not None else source
        super().__init__(f"{where}: {reason}")

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "source": self.source, "page": self.page, "reason": self.reason}

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled as message + attributes: an error raised in an extraction process (orchestrate.pool) or a
        # Prefect worker comes back as the same class, whatever its __init__ takes.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[PeelError], args: tuple[object, ...], state: dict[str, object]) -> PeelError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class InputError(PeelError):
    """The bytes cannot be read as a report at all."""

    code = "bad_input"


class EmptyInputError(InputError):
    code = "empty_input"


class UnsupportedFormatError(InputError):
    code = "unsupported_format"


class EncodingError(InputError):
    code = "bad_encoding"


class PdfError(InputError):
    code = "bad_pdf"


class EncryptedPdfError(PdfError):
    code = "encrypted_pdf"


class NoTextLayerError(PdfError):
    code = "no_text_layer"


class LimitExceededError(InputError):
    """The input is larger than a configured limit (pages, bytes, characters)."""

    code = "limit_exceeded"


class InputTimeoutError(LimitExceededError):
    """One input took longer than ``PEELEXTRACT_MAX_SECONDS``: its worker process was killed from outside
    (``isolation``), whatever C code or loop it was in."""

    code = "timeout"


class DuplicateReportError(PeelError):
    """Two inputs of one ``extract`` batch give the same report id (two editions of one report)."""

    code = "duplicate_report"


class NotAReportError(PeelError):
    """The document reads fine but is not a PEEL report (no force, no round, an error or login page)."""

    code = "not_a_peel_report"


class ContractError(PeelError):
    """The extracted report does not satisfy the output contract (a bug, never silently written)."""

    code = "contract_violation"


class PublishError(PeelError):
    """The output could not be written (read-only or full folder, unsafe name)."""

    code = "publish_failed"


class FetchError(PeelError):
    """A report could not be fetched (timeout, HTTP error, wrong content type, too large)."""

    code = "fetch_failed"


class SchemaVersionError(PeelError):
    """Data written by a newer major version of the contract than this reader understands."""

    code = "schema_version"


class InternalError(PeelError):
    """An unexpected exception while handling one input (a bug): names the input, the stage (the module and
    function it was raised in) and the file its traceback was written to. The batch goes on."""

    code = "internal_error"


class WorkerCrashedError(PeelError):
    """The worker process handling one input died (a signal: a crash in pdfium, the kernel's OOM killer, the
    memory bound ``PEELEXTRACT_MAX_MEMORY`` hit inside C code). The input fails; the worker is replaced."""

    code = "worker_crashed"


class IngestFailed(PeelError, Generic[SummaryT]):
    """Every input of an ingestion batch failed: nothing could be done. Carries the run's summary."""

    code = "ingest_failed"

    def __init__(self, summary: SummaryT) -> None:
        super().__init__(summary.source, f"every input failed: {summary.line()}")
        self.summary: SummaryT = summary


class UsageError(ValueError):
    """The command was asked for something it cannot do, whatever the inputs hold: an argument that names
    no folder, an unknown round, a missing server. The CLI says "usage error" and exits 2; any other
    ``ValueError`` that reaches it is a bug, reported as an internal error (exit 1)."""


class SettingsError(UsageError):
    """An environment variable holds a value the setting cannot take: a usage error (exit 2), not a
    failure of one input. Names the variable, what it must be and what was found."""

    def __init__(self, variable: str, reason: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {reason}")
