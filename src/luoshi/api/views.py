"""Pages of the API app: the account's token (issue, rotate, revoke) and the API reference.

The reference is rendered on the server from the OpenAPI schema, with Luoshi's own stylesheet: no script
or stylesheet comes from a CDN (drf-spectacular's Swagger UI and Redoc views load theirs from one, and
the sidecar package that would serve them locally is not a dependency). The browsable API of every
endpoint (DRF's, its assets served by Luoshi) and the raw schema complete it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from luoshi.core.errors import DomainError
from luoshi.core.viewtools import login_form, login_get

from .models import TokenScope
from .services import active_token, api_token_issue, api_token_revoke


@never_cache
@login_form
def token(request: HttpRequest) -> HttpResponse:
    """The account's API token: issue or rotate it (the key is shown once, on this answer only), or revoke it."""
    new_key = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                if api_token_revoke(actor=request.user, user=request.user):
                    messages.success(request, _("API令牌已撤销。"))
                return redirect("api:token")
            scope = TokenScope.READ_WRITE if request.POST.get("scope") == TokenScope.READ_WRITE else TokenScope.READ
            new_key = api_token_issue(actor=request.user, user=request.user, scope=scope).key  # type: ignore[attr-defined]
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("api:token")
    return render(request, "api/token.html", {"current": active_token(request.user), "new_key": new_key,
                                              "scopes": TokenScope.choices})


@dataclass
class Param:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    params: list[Param] = field(default_factory=list)
    body: list[Param] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)


def _type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("allOf"):
        return _type(schema["allOf"][0], components)
    if "oneOf" in schema:
        return " | ".join(_type(s, components) for s in schema["oneOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"[{_type(schema.get('items', {}), components)}]"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
    return kind + (f" ({schema['format']})" if "format" in schema else "")


def _body_fields(operation: dict[str, Any], components: dict[str, Any]) -> list[Param]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [Param(name, "body", _type(spec, components), name in required, spec.get("description", ""))
            for name, spec in schema.get("properties", {}).items() if not spec.get("readOnly")]


@lru_cache(maxsize=1)
def reference() -> tuple[dict[str, Any], list[tuple[str, list[Operation]]]]:
    """The schema's info and its operations grouped by tag, in path order (computed once per process)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[Operation]] = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            params = [Param(p["name"], p["in"], _type(p.get("schema", {}), components), bool(p.get("required")),
                            p.get("description", "")) for p in operation.get("parameters", [])]
            groups.setdefault((operation.get("tags") or ["api"])[0], []).append(Operation(
                method=method.upper(), path=path, summary=operation.get("summary", ""),
                description=operation.get("description", ""), params=params,
                body=_body_fields(operation, components), responses=sorted(operation.get("responses", {}))))
    return schema["info"], sorted(groups.items())


@login_get
def docs(request: HttpRequest) -> HttpResponse:
    """The API reference, rendered from the OpenAPI schema."""
    info, groups = reference()
    return render(request, "api/docs.html", {"info": info, "groups": groups})


class NotFoundView(APIView):
    """Any other path under /api/v1/: the API's JSON 404 (Django's would be an HTML page)."""

    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    schema = None

    def dispatch_404(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise NotFound()

    get = post = put = patch = delete = dispatch_404


class AccountSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    is_office = serializers.BooleanField()
    sees_everything = serializers.BooleanField()


class MeView(APIView):
    """The account this token (or session) acts as: its role and unit decide what every endpoint answers."""

    @extend_schema(responses=AccountSerializer)
    def get(self, request: Request) -> Response:
        return Response(AccountSerializer(request.user).data)
