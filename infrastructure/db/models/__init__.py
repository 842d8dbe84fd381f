"""ORM rows. Import every model module here so `Base.metadata` is complete."""

from infrastructure.db.models.auth import ApiKeyRow, MagicLinkRow, RefreshTokenRow
from infrastructure.db.models.users import LinkedWalletRow, UserRow

__all__ = ["ApiKeyRow", "LinkedWalletRow", "MagicLinkRow", "RefreshTokenRow", "UserRow"]
