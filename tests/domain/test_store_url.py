"""Which store a URL names, and the settings it carries."""

import pytest

from domain import BadDatabaseUrl, parse_store_url


def test_a_sqlite_url_names_a_file(tmp_path):
    url = parse_store_url(f"sqlite:///{tmp_path}/x.db?lock_timeout=9")
    assert (url.is_sqlite, url.path, url.lock_timeout) == (True, f"{tmp_path}/x.db", 9)
    assert url.env()["SQLITE_LOCK_TIMEOUT"] == "9"
    assert url.env()["CHANCERY_WRITE_CACHE"] == "200000"  # events a writer keeps in memory, by default


def test_a_writer_can_keep_more_of_the_log_in_memory():
    assert parse_store_url("sqlite:///./x.db?write_cache=2000000").write_cache == 2_000_000
    assert parse_store_url("postgresql://h/db?write_cache=5000").env()["CHANCERY_WRITE_CACHE"] == "5000"


def test_a_postgresql_url_carries_its_connection_and_pool_settings():
    url = parse_store_url("postgresql://me:p%40ss@db.example:6543/chancery?schema=live&pool_size=12&lock_timeout=3")
    assert (url.host, url.port, url.user, url.password, url.dbname) == ("db.example", 6543, "me", "p@ss", "chancery")
    env = url.env()
    assert (env["POSTGRES_SCHEMA"], env["POSTGRES_POOL_SIZE"], env["POSTGRES_LOCK_TIMEOUT"]) == ("live", "12", "3")


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "sqlite://relative.db", "sqlite:////no/such/folder/x.db", "postgresql://host-only",
     "postgresql://h/db?pool_size=0", "postgresql://h/db?pool_size=many", "postgresql://h/db?colour=red",
     "postgresql://h/db?schema=Robert');DROP", "postgresql://h:port/db",
     "sqlite:///./x.db?write_cache=10", "postgresql://h/db?write_cache=lots"],
)
def test_a_bad_url_is_refused_with_a_reason(url):
    with pytest.raises(BadDatabaseUrl):
        parse_store_url(url)
