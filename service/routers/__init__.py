"""The service's API routers (mounted under ``/api/v1`` by :func:`service.app.create_app`)."""
