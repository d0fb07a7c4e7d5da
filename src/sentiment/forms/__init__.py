"""Survey form definitions (from `schemas/forms/`) and readers for field-tool exports."""

from sentiment.forms.model import Choice, Field, Form, FormRegistry, Rule, load_registry

__all__ = ["Choice", "Field", "Form", "FormRegistry", "Rule", "load_registry"]
