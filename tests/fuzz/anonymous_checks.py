"""Schemathesis hooks for the anonymous fuzz run (loaded by path through SCHEMATHESIS_HOOKS).

The run sends no credentials of ours: only what schemathesis makes up for the security schemes (random
`Authorization` headers and session cookies), or nothing at all. Every refusal must be a 401, never a
403, and an operation that needs credentials must refuse before it reads anything else in the request:
a 200, a 400 or a 405 would mean an anonymous caller got past authentication.

The one other answer allowed is 404 for an address no route matches (`/actions/-1/`: ids are
`<int:id>`, which takes no sign), since the view that would refuse is never reached. A view itself cannot
answer 404 to an anonymous caller: authentication comes first.
"""

from __future__ import annotations

from typing import Any

import schemathesis


def _needs_credentials(case: Any) -> bool:
    operation = case.operation
    security = operation.definition.raw.get("security")
    if security is None:
        security = getattr(operation.schema, "raw_schema", {}).get("security", [])
    # `{}` among the requirements means an anonymous caller is allowed.
    return bool(security) and all(requirement for requirement in security)


@schemathesis.check
def anonymous_is_refused_with_401(ctx: Any, response: Any, case: Any) -> None:
    status = response.status_code
    if status == 403:
        raise AssertionError("An anonymous caller was refused with 403; a missing credential is a 401.")
    if _needs_credentials(case) and status not in (401, 404):
        raise AssertionError(
            f"{case.operation.label} needs credentials but answered {status} to an anonymous caller."
        )
