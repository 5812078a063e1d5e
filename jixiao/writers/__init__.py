"""Writers: forms back out in the standard 财政项目支出绩效自评表 layout, as Excel or Word.

`layout.plan_form` decides what goes in which cell once; `xlsx` and `docx` draw that plan.
"""

from .docx import write_docx, write_plans_docx, write_template_docx
from .xlsx import write_plans_xlsx, write_template_xlsx, write_xlsx

__all__ = ["write_xlsx", "write_docx", "write_plans_xlsx", "write_plans_docx", "write_template_xlsx", "write_template_docx"]
