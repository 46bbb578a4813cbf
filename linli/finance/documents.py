"""Statement documents: title, notice text, PDF and Excel. (Minimal; to be completed.)"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from linli.finance.models import Statement


def statement_title(statement: Statement) -> str:
    return _("%(account)s statement, %(start)s to %(end)s") % {
        "account": statement.account.name,
        "start": statement.starts_on.isoformat(),
        "end": statement.ends_on.isoformat(),
    }


def statement_text(statement: Statement) -> str:
    return statement_title(statement)


def statement_pdf(statement: Statement) -> bytes:
    return b"%PDF-1.4\n%stub\n"


def statement_xlsx(statement: Statement) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
