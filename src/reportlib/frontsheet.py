"""A paper's front sheet: title, purpose, summary, recommendations, actions, contacts.

One type for every source of a front sheet (a report's entry in the params file, the
front matter of a narrative or of a supplied Markdown document, what a notebook
records) and every consumer (the HTML and Typst templates, the pack, Quarto).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The front-sheet keys a params entry or a front-matter block may hold besides ``title``.
FIELDS = ("purpose", "summary", "recommendations", "actions", "contact")


class Contact(BaseModel):
    """A contact officer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    position: str
    phone: str
    # Letters, digits and . _ % + ' - only: the address goes into mailto: links as it is.
    email: str = Field(pattern=r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class Paragraph(BaseModel):
    """A front-sheet paragraph: its text, then bullet points (often none)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = ""
    points: tuple[str, ...] = ()


class FrontSheetFields(BaseModel):
    """The front-sheet fields, as written: one paragraph or a list, one contact or a list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    purpose: str = ""
    summary: tuple[Paragraph, ...] = ()
    recommendations: tuple[Paragraph, ...] = ()
    actions: tuple[Paragraph, ...] = ()
    contact: tuple[Contact, ...] = Field((), description="one contact officer, or a list")

    @field_validator("summary", "recommendations", "actions", mode="before")
    @classmethod
    def _paragraphs(cls, value: Any) -> Any:
        items = [value] if isinstance(value, str | dict) else value
        return [{"text": i} if isinstance(i, str) else i for i in items or []]

    @field_validator("contact", mode="before")
    @classmethod
    def _contacts(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value or []


class FrontSheet(FrontSheetFields):
    """A paper's whole front sheet."""

    title: str = ""

    def updated(self, other: FrontSheetFields) -> FrontSheet:
        """This sheet with every field that ``other`` sets replacing its own."""
        return self.model_copy(update={k: getattr(other, k) for k in other.model_fields_set})

    def template_values(self) -> dict[str, Any]:
        """The sheet as the templates take it: plain lists and mappings, text unescaped."""
        return {
            "title": self.title,
            "purpose": self.purpose,
            "summary": [p.model_dump() for p in self.summary],
            "recommendations": [p.model_dump() for p in self.recommendations],
            "actions": [p.model_dump() for p in self.actions],
            "contacts": [c.model_dump() for c in self.contact],
        }
