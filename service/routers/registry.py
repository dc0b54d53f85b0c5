"""``/api/v1/registry/search``: stolen-vehicle registry queries as an officer makes them.

Search by VIN (with look-alikes), by the last 6-16 characters of a VIN, by plate or by engine
number, through :mod:`docsec.registry`. With ``assignment_id`` a trainee searches the registry
extract of that exercise; otherwise the service's registry is searched. Every answer carries
the advice that a hit is a lead, not a verdict.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from docsec.registry.base import VehicleRegistry
from docsec.registry.load import read_file
from docsec.registry.memory import InMemoryRegistry
from service import training
from service.auth import require_roles
from service.deps import DbSession, get_registry
from service.errors import ApiError, ErrorBody
from service.models import User
from service.routers.assignments import own_assignment
from service.schemas import RegistrySearch

router = APIRouter(prefix="/registry", tags=["trainees"])
Officer = Annotated[User, Depends(require_roles("trainee", "instructor", "admin"))]
_extracts: dict[Path, InMemoryRegistry] = {}
_extracts_lock = threading.Lock()


def _extract(path: Path) -> InMemoryRegistry:
    with _extracts_lock:
        reg = _extracts.get(path)
        if reg is None:
            if len(_extracts) >= 64:
                _extracts.pop(next(iter(_extracts)))
            reg = InMemoryRegistry(read_file(path))
            _extracts[path] = reg
        return reg


@router.post("/search", response_model=dict[str, Any],
             responses={503: {"model": ErrorBody, "description": "No registry available"}})
def search(body: RegistrySearch, request: Request, user: Officer,
           session: DbSession) -> dict[str, Any]:
    """Search the stolen-vehicle registry by exactly one of vin, last, plate, engine."""
    registry: VehicleRegistry
    if body.assignment_id is not None:
        if user.role != "trainee":
            raise ApiError(422, "assignment_id is for trainees searching their exercise")
        a = own_assignment(session, user, body.assignment_id)
        path = training.registry_file(request.app.state.settings, a.exercise)
        if path is None:
            raise ApiError(404, "this exercise has no registry extract")
        registry = _extract(path)
    else:
        registry = get_registry(request)
    answer = registry.search(vin=body.vin, last=body.last, plate=body.plate,
                             engine=body.engine, fuzzy=body.fuzzy, near=body.near,
                             limit=body.limit)
    return answer.to_dict()
