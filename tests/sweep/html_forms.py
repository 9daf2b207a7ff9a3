"""The forms a page shows, read from its HTML the way a browser reads them.

Only what the sweep needs: each <form>'s method, action and controls (name, kind, current value, options).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# <input type=...> -> the kind of value the sweep sends.
_INPUT_KINDS = {
    "text": "line",
    "search": "line",
    "tel": "line",
    "email": "line",
    "url": "line",
    "password": "line",
    "date": "date",
    "time": "time",
    "number": "number",
    "hidden": "hidden",
    "file": "file",
    "checkbox": "check",
    "radio": "radio",
}


@dataclass
class Control:
    name: str
    kind: str  # line, text, date, time, number, hidden, file, check, radio, select
    values: list[str] = field(default_factory=list)  # what the browser would send as it stands
    options: list[str] = field(default_factory=list)  # select options, radio and checkbox values
    multiple: bool = False
    required: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class PageForm:
    method: str
    action: str  # a path
    page: str
    controls: dict[str, Control] = field(default_factory=dict)
    # The first named submit button, which a click sends along (some views branch on it).
    submit: tuple[str, str] | None = None


class _Reader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._textarea: Control | None = None
        self._select: Control | None = None
        self._option: dict[str, str] | None = None
        self._option_text = ""

    def _control(self, name: str, kind: str, attrs: dict[str, str]) -> Control:
        assert self._form is not None
        control = self._form.controls.get(name)
        if control is None:
            control = self._form.controls[name] = Control(
                name=name, kind=kind, required="required" in attrs, attrs=attrs
            )
        return control

    def handle_starttag(self, tag: str, raw: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in raw}
        if tag == "form":
            action = urljoin(self.page, attrs.get("action") or self.page)
            self._form = PageForm(
                method=attrs.get("method", "get").lower(), action=urlsplit(action).path, page=self.page
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input":
            kind_name = attrs.get("type", "text").lower()
            if kind_name in ("submit", "button", "image", "reset"):
                if name and self._form.submit is None and kind_name == "submit":
                    self._form.submit = (name, attrs.get("value", ""))
                return
            if not name:
                return
            kind = _INPUT_KINDS.get(kind_name, "line")
            control = self._control(name, kind, attrs)
            if kind in ("check", "radio"):
                value = attrs.get("value", "on")
                control.options.append(value)
                if "checked" in attrs:
                    control.values.append(value)
                control.multiple = kind == "check" and len(control.options) > 1
            elif kind != "file":
                control.values = [attrs.get("value", "")]
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            if name and self._form.submit is None:
                self._form.submit = (name, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = self._control(name, "text", attrs)
            self._textarea.values = [""]
        elif tag == "select" and name:
            self._select = self._control(name, "select", attrs)
            self._select.multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._option = attrs
            self._option_text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.values[0] += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one line break that follows <textarea>.
            self._textarea.values[0] = self._textarea.values[0].removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._select is not None and self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select.options.append(value)
            if "selected" in self._option:
                self._select.values.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if not self._select.values and self._select.options and not self._select.multiple:
                self._select.values = [self._select.options[0]]  # a browser sends the first option
            self._select = None


def forms_on(html: str, page: str) -> list[PageForm]:
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    return reader.forms
