from pathlib import Path

import pytest

from search_app.settings import Settings, settings_help


def test_default_folders_are_the_working_directorys(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.data_dir == tmp_path.resolve() / "data" and settings.index_dir == tmp_path.resolve() / "index"
    assert all("in the working directory" in default for variable, default, _ in settings_help()
               if variable in ("SEARCH_APP_DATA_DIR", "SEARCH_APP_INDEX_DIR"))
    assert settings.port == 8080 and settings.page_size == 20 and settings.ui_language == "en"


def test_environment_variables_override_defaults(tmp_path):
    settings = Settings.from_env({"SEARCH_APP_DATA_DIR": str(tmp_path / "d"), "SEARCH_APP_PORT": "9000",
                                  "SEARCH_APP_UI_LANGUAGE": "ar", "SEARCH_APP_PAGE_SIZE": "5"})
    assert settings.data_dir == (tmp_path / "d").resolve()
    assert settings.store_path.parent == settings.data_dir
    assert (settings.port, settings.ui_language, settings.page_size) == (9000, "ar", 5)


@pytest.mark.parametrize("variable, value", [("SEARCH_APP_PORT", "eighty"), ("SEARCH_APP_PAGE_SIZE", "0"),
                                             ("SEARCH_APP_UI_LANGUAGE", "fr"),
                                             ("SEARCH_APP_BASE_URL", "news.example.org"),
                                             ("SEARCH_APP_BASE_URL", "javascript:alert(1)"),
                                             ("SEARCH_APP_BACKEND", "elasticsearch"),
                                             ("SEARCH_APP_OPENSEARCH_URL", "localhost:9200"),
                                             ("SEARCH_APP_OPENSEARCH_INDEX", "Syria News"),
                                             ("SEARCH_APP_OPENSEARCH_REPLICAS", "-1")])
def test_a_bad_value_names_the_variable(variable, value):
    with pytest.raises(ValueError, match=variable):
        Settings.from_env({variable: value})


def test_the_public_address_loses_its_trailing_slash_and_empty_means_unset():
    assert Settings.from_env({"SEARCH_APP_BASE_URL": "https://news.example.org/syria/"}).base_url == \
        "https://news.example.org/syria"
    assert Settings.from_env({"SEARCH_APP_BASE_URL": ""}).base_url is None


def test_every_setting_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for variable, _default, _help in settings_help():
        assert variable in readme


def test_the_backend_is_chosen_by_one_setting_and_the_cluster_password_is_never_printed(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from search_app.cli import main
    from search_app.search import SearchEngine, open_backend
    from search_app.search.opensearch import OpenSearchBackend

    settings = Settings.from_env({"SEARCH_APP_INDEX_DIR": str(tmp_path), "SEARCH_APP_DICTIONARY_DIR": "off"})
    assert isinstance(open_backend(settings), SearchEngine)
    chosen = Settings.from_env({"SEARCH_APP_BACKEND": "opensearch", "SEARCH_APP_DICTIONARY_DIR": "off",
                                "SEARCH_APP_OPENSEARCH_URL": "https://search.example.org:9200/"})
    assert chosen.opensearch_url == "https://search.example.org:9200" and chosen.opensearch_shards == 1
    assert isinstance(open_backend(chosen), OpenSearchBackend)  # connects on first use, not here
    monkeypatch.setenv("SEARCH_APP_OPENSEARCH_PASSWORD", "hunter2")
    monkeypatch.setenv("SEARCH_APP_DICTIONARY_DIR", "off")
    output = CliRunner().invoke(main, ["settings"]).output
    assert "SEARCH_APP_OPENSEARCH_PASSWORD" in output and "(set)" in output and "hunter2" not in output


def test_settings_are_listed_in_aligned_columns_as_one_would_set_them(monkeypatch):
    import re

    from click.testing import CliRunner

    from search_app.cli import main

    monkeypatch.setenv("SEARCH_APP_DICTIONARY_DIR", "off")
    monkeypatch.delenv("SEARCH_APP_FETCH_PRIVATE_ADDRESSES", raising=False)
    monkeypatch.delenv("SEARCH_APP_TRANSLATOR_URL", raising=False)
    lines = [line for line in CliRunner().invoke(main, ["settings"]).output.splitlines() if line.startswith("SEARCH_APP_")]
    assert len({len(re.match(r"SEARCH_APP_\S+\s+", line).group(0)) for line in lines}) == 1  # values in one column
    shown = {line.split()[0]: line.split()[1] for line in lines}
    assert shown["SEARCH_APP_FETCH_PRIVATE_ADDRESSES"] == "0" and shown["SEARCH_APP_TRANSLATOR_URL"] == "none"
