"""Infrastructure shared by every domain package: settings, clients and errors."""
