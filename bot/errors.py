"""Domain errors: ``str(error)`` is the sentence shown to the member."""


class DomainError(Exception):
    """Something the member can understand and fix; never logged as a fault."""


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class SchemaOutdated(Exception):
    """The database is not at the latest migration."""
