import pytest

from reportlib import record
from reportlib.data import check_meeting_data, load_table, read_yaml
from reportlib.exceptions import DataError

CSV = "data/2020-12/sales.csv"


def test_load_table_types_and_describes(project):
    sales = load_table("sales", "2020-12", project=project)
    assert list(sales["amount"]) == [120, 180]
    assert str(sales["amount"].dtype) == "int64"
    assert sales.attrs["units"] == "£'000"
    assert sales.attrs["source"] == "Fixture sales report, December 2020, Table 1"
    assert CSV in record.snapshot()["reads"]


def broken(project, text):
    (project.data_dir("2020-12") / "sales.csv").write_text(text)
    with pytest.raises(DataError) as caught:
        load_table("sales", "2020-12", project=project)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("region,amount\nNorth,1\n", f"{CSV}:1: is missing column(s) share_pct"),
        ("region,amount,share_pct,x\nN,1,2,3\n", f"{CSV}:1: has column(s) x that its schema"),
        (
            "region,amount,share_pct\nN,1,2\nS,lots,3\n",
            f"{CSV}:3: column amount: 'lots' is not a whole number",
        ),
        ("region,amount,share_pct\nN,-5,2\n", f"{CSV}:2: column amount: -5 is negative"),
        ("region,amount,share_pct\nN,5,120.5\n", f"{CSV}:2: column share_pct: 120.5 is above 100"),
        (
            "region,amount,share_pct\nN,5,1\nN,6,2\n",
            f"{CSV}:3: repeats the key {{'region': 'N'}} of line 2",
        ),
        ("region,amount,share_pct\nN,,1\n", f"{CSV}:2: column amount: is empty"),
        ("region,amount,share_pct\nN,1,5%\n", f"{CSV}:2: column share_pct: '5%' is not a number"),
    ],
    ids=[
        "missing-column",
        "extra-column",
        "wrong-type",
        "negative-count",
        "share-over-100",
        "duplicate-key",
        "empty-cell",
        "percent-sign",
    ],
)
def test_schema_violations_name_file_row_and_column(project, text, expected):
    assert expected in broken(project, text)


def test_missing_schema(project):
    (project.data_dir("2020-12") / "orphan.csv").write_text("a\n1\n")
    with pytest.raises(
        DataError,
        match=r"data/schemas/orphan.yaml: does not exist; every "
        "dataset needs a schema",
    ):
        check_meeting_data(project, "2020-12")


def test_check_meeting_data_reports_every_file(project):
    assert check_meeting_data(project, "2020-12") == ["sales"]
    (project.data_dir("2020-12") / "sales.csv").write_text("region,amount,share_pct\nN,-1,2\n")
    (project.data_dir("2020-12") / "orphan.csv").write_text("a\n1\n")
    with pytest.raises(DataError, match="2 problems"):
        check_meeting_data(project, "2020-12")


def test_a_source_line_may_name_periods_only_of_a_dataset_that_has_them(project):
    (project.data_dir("2020-12") / "sources.yaml").write_text(
        "sales:\n  document: Sales ledger, {latest:amount}\n", encoding="utf-8"
    )
    with pytest.raises(
        DataError,
        match=r"sources\.yaml:2: sales: \{latest:amount\}: dataset "
        r"sales has no period",
    ):
        load_table("sales", "2020-12", project=project)


def test_a_csv_linked_outside_the_meeting_is_refused_without_reading_it(project):
    (project.data_dir("2020-12") / "sales.csv").unlink()
    (project.data_dir("2020-12") / "sales.csv").symlink_to("/etc/os-release")
    with pytest.raises(DataError) as caught:
        load_table("sales", "2020-12", project=project)
    message = str(caught.value)
    assert message.startswith(f"{CSV}: leads outside its folder 2020-12/")
    assert "NAME=" not in message and "PRETTY_NAME" not in message


def test_a_csv_linked_into_the_confidential_folder_is_refused(project):
    meeting = project.data_dir("2020-12")
    (meeting / "confidential").mkdir()
    (meeting / "sales.csv").rename(meeting / "confidential" / "sales.csv")
    (meeting / "sales.csv").symlink_to("confidential/sales.csv")
    with pytest.raises(DataError, match=f"{CSV}: leads into a confidential/ folder"):
        load_table("sales", "2020-12", project=project)


def test_a_narrative_or_schema_linked_outside_its_folder_is_refused(project):
    narrative = project.data_dir("2020-12") / "narrative"
    narrative.mkdir()
    (narrative / "greets.yaml").symlink_to(project.params_file("2020-12"))
    with pytest.raises(DataError, match=r"narrative/greets\.yaml: leads outside its folder"):
        read_yaml(project, narrative / "greets.yaml", "")
    schema = project.data / "schemas" / "sales.yaml"
    schema.rename(project.root / "sales.yaml")
    schema.symlink_to(project.root / "sales.yaml")
    with pytest.raises(DataError, match=r"schemas/sales\.yaml: leads outside its folder schemas/"):
        load_table("sales", "2020-12", project=project)


def test_a_header_only_csv_is_refused_by_the_schema(project):
    assert broken(project, "region,amount,share_pct\n") == (
        f"{CSV}:2: has 0 row(s) of data, but schema sales needs at least 1; "
        "add the meeting's figures below the header"
    )


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (
            "region,amount,share_pct\nNorth £,1,2\n".encode("cp1252"),
            f"{CSV}:2: column 7: byte 0xa3",
        ),
        ("region,amount,share_pct\nN,1,2\n".encode("utf-16"), f"{CSV}:1: is UTF-16 text"),
    ],
    ids=["cp1252", "utf-16"],
)
def test_a_csv_not_in_utf8_names_line_and_column_and_says_how_to_save_it(project, data, where):
    (project.data_dir("2020-12") / "sales.csv").write_bytes(data)
    with pytest.raises(DataError) as caught:
        load_table("sales", "2020-12", project=project)
    assert str(caught.value).startswith(where)
    assert "'CSV UTF-8 (Comma delimited)'" in str(caught.value)


def test_a_bom_and_crlf_line_ends_still_read(project):
    text = "\ufeffregion,amount,share_pct\r\nNorth,120,40\r\nSouth,180,60\r\n"
    (project.data_dir("2020-12") / "sales.csv").write_bytes(text.encode("utf-8"))
    assert list(load_table("sales", "2020-12", project=project)["region"]) == ["North", "South"]


def test_a_schema_states_a_columns_decimal_places_for_tables(project):
    from reportlib.tables import Table

    path = project.root / "data" / "schemas" / "sales.yaml"
    text = path.read_text()
    path.write_text(text.replace('units: "%", description', 'units: "%", decimals: 2, description'))
    sales = load_table("sales", "2020-12", project=project)
    assert (
        "| North | 120 | 40\\.00 |" in Table(sales, formats={"share_pct": "pct"})._repr_markdown_()
    )
    path.write_text(
        text.replace('units: "%", description', 'units: "%", decimals: one, description')
    )
    with pytest.raises(DataError, match=r"columns\.share_pct.*decimals must be a whole number"):
        load_table("sales", "2020-12", project=project)
