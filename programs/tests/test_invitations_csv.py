"""Turning pasted addresses and uploaded CSV files into invitation rows, with every bad line explained."""

from __future__ import annotations

import pytest

from programs.invitations_csv import MAX_ROWS, InviteRow, parse_csv, parse_pasted


def rows_of(data: bytes) -> list[tuple[int, str, str, str, bool]]:
    return [(r.line, r.email, r.name, r.role, r.is_external) for r in parse_csv(data).rows]


def test_csv_rows_become_invitations_with_their_line_numbers() -> None:
    data = b"name,email,role\nAnn Lee,ann@example.com,mentee\nBo Chen,bo@example.com,mentor\n"
    assert rows_of(data) == [
        (2, "ann@example.com", "Ann Lee", "mentee", False),
        (3, "bo@example.com", "Bo Chen", "mentor", False),
    ]
    assert parse_csv(data).errors == []


def test_csv_bad_rows_are_reported_by_line_and_the_good_rows_kept() -> None:
    data = (
        b"name,email,role\n"
        b"Ann,not-an-email,mentee\n"  # 2: bad address
        b"Bo,bo@example.com,boss\n"  # 3: unknown role
        b"Cy,cy@example.com,mentor\n"  # 4: good
        b"Cy again,CY@Example.com,mentor\n"  # 5: same person and role as line 4
        b"Di,di@example.com,\n"  # 6: no role
        b"Ed,ed@example.com,sponsor\n"  # 7: good
    )
    result = parse_csv(data)
    assert [(r.line, r.email) for r in result.rows] == [(4, "cy@example.com"), (7, "ed@example.com")]
    assert result.errors == [
        (2, "'not-an-email' is not a valid email address."),
        (3, "Unknown role 'boss': use mentee, mentor or sponsor."),
        (5, "Duplicate of line 4."),
        (6, "Unknown role '': use mentee, mentor or sponsor."),
    ]


def test_csv_same_person_in_two_roles_is_not_a_duplicate() -> None:
    data = b"name,email,role\nAnn,ann@example.com,mentee\nAnn,ann@example.com,mentor\n"
    assert [r.role for r in parse_csv(data).rows] == ["mentee", "mentor"]


def test_csv_with_excel_byte_order_mark_and_capitalised_header_is_read() -> None:
    data = "Name,Email,Role\r\nAnn,ANN@Example.com,Mentee\r\n".encode("utf-8-sig")
    assert rows_of(data) == [(2, "ann@example.com", "Ann", "mentee", False)]


def test_csv_without_header_is_refused_with_a_clear_message() -> None:
    result = parse_csv(b"ann@example.com,mentee\nbo@example.com,mentor\n")
    assert result.rows == []
    assert result.errors == [(1, "The first line must name the columns: name, email, role.")]


def test_empty_csv_is_refused_like_a_missing_header() -> None:
    assert parse_csv(b"").errors == [(1, "The first line must name the columns: name, email, role.")]


def test_csv_that_is_not_utf8_is_refused_with_how_to_fix_it() -> None:
    data = "name,email,role\nJosé,jose@example.com,mentee\n".encode("latin-1")
    result = parse_csv(data)
    assert result.rows == []
    assert result.errors == [(1, "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")]


@pytest.mark.parametrize(
    "data",
    [
        b"name;email;role\nLee, Ann;ann@example.com;mentee\n",
        b"name\temail\trole\nLee, Ann\tann@example.com\tmentee\n",
        b'name,email,role\n"Lee, Ann",ann@example.com,mentee\n',
        b'email,role,name\nann@example.com,mentee,"Lee, Ann"\n',
    ],
    ids=["semicolons", "tabs", "quoted-comma", "columns-in-any-order"],
)
def test_csv_dialects_and_column_orders_are_understood(data: bytes) -> None:
    assert rows_of(data) == [(2, "ann@example.com", "Lee, Ann", "mentee", False)]


def test_csv_blank_lines_are_skipped_but_still_counted() -> None:
    data = b"email,role\r\n\r\nann@example.com,mentee\r\n,,\r\nbo@example.com,mentor\r\n"
    assert [(r.line, r.email) for r in parse_csv(data).rows] == [(3, "ann@example.com"), (5, "bo@example.com")]
    assert parse_csv(data).errors == []


def test_csv_external_column_marks_external_participants() -> None:
    data = b"name,email,role,external\nAnn,ann@example.com,mentor,yes\nBo,bo@example.com,mentor,no\n"
    assert [(r.email, r.is_external) for r in parse_csv(data).rows] == [
        ("ann@example.com", True),
        ("bo@example.com", False),
    ]


def test_csv_cells_are_trimmed_and_sponsee_means_mentee() -> None:
    data = b"name,email,role\n  Ann Lee , ann@example.com , Sponsee \n"
    assert rows_of(data) == [(2, "ann@example.com", "Ann Lee", "mentee", False)]


def test_csv_stops_at_the_row_limit_and_says_so() -> None:
    lines = ["email,role", *(f"p{n}@example.com,mentee" for n in range(MAX_ROWS + 2))]
    result = parse_csv("\n".join(lines).encode())
    assert len(result.rows) == MAX_ROWS
    assert [line for line, _reason in result.errors] == [MAX_ROWS + 2]
    assert "5000" in result.errors[0][1]
    assert "the ones after it were left out" in result.errors[0][1]


def test_a_cell_over_the_csv_field_limit_is_reported_on_its_line_not_a_crash() -> None:
    huge = "x" * 131_073
    data = f"name,email,role\nAnn,ann@example.com,mentee\n{huge},bo@example.com,mentee\nCy,cy@example.com,mentee\n"
    result = parse_csv(data.encode())
    assert [row.email for row in result.rows] == ["ann@example.com"]
    [(line, reason)] = result.errors
    assert line == 3
    assert "longer than 131,072 characters" in reason


def test_a_huge_header_cell_is_reported_too() -> None:
    result = parse_csv(("email,role," + "y" * 200_000 + "\n").encode())
    assert result.rows == []
    assert "longer than 131,072 characters" in result.errors[0][1]


def test_pasted_addresses_keep_names_and_report_bad_and_repeated_ones() -> None:
    text = "Pat Newcomer <Pat@Example.com>, bo@example.com; cy@example.com\nnot an address\n\nBO@example.com\n"
    result = parse_pasted(text, role="mentor", is_external=True)
    assert result.rows == [
        InviteRow(line=1, email="pat@example.com", name="Pat Newcomer", role="mentor", is_external=True),
        InviteRow(line=1, email="bo@example.com", name="", role="mentor", is_external=True),
        InviteRow(line=1, email="cy@example.com", name="", role="mentor", is_external=True),
    ]
    assert result.errors == [
        (2, "'not an address' is not a valid email address."),
        (4, "Duplicate of line 1."),
    ]
