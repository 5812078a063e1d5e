"""`jixiao serve` and `jixiao user add`: run the web application, create its users."""

from __future__ import annotations

import sys

import click

from ..store import open_store
from ..store.db import default_url
from ..store.schema import ROLES
from ..store.users import UserError


@click.command(help="启动 Web 应用（默认数据库 sqlite:///jixiao.db，或环境变量 JIXIAO_DB）。")
@click.option("--db", "db_url", default=None, help="数据库 URL：sqlite:///文件.db 或 postgresql+psycopg://用户@主机:端口/库")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=int, help="端口")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="工作进程数（每个进程最多占用 2×JIXIAO_DB_POOL 个数据库连接）")
def serve(db_url: str | None, host: str, port: int, workers: int) -> None:
    import os

    import uvicorn

    from .app import create_app

    url = db_url or default_url()
    try:
        # One process: the app. Several: only open (and migrate) the database here, once, before
        # any worker starts; each worker builds its own app (the supervisor stays small).
        app = create_app(url) if workers == 1 else open_store(url).close()
    except Exception as e:  # noqa: BLE001 - say what is wrong with the database in one line
        click.echo(f"错误：无法打开数据库 {url}：{e}", err=True)
        sys.exit(2)
    click.echo(f"jixiao Web 应用：http://{host}:{port}/ （数据库 {url}，{workers} 个工作进程）")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
        return
    os.environ["JIXIAO_DB"] = url  # each worker process builds its own app over the same database
    uvicorn.run("jixiao.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=False)


@click.group(help="管理 Web 应用的用户。")
def user() -> None:
    pass


@user.command("add", help="新建用户；密码从标准输入读取（第一行）。")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色：填报 / 审核 / 管理员")
@click.option("--unit", default=None, help="实施单位（填报用户必填）")
@click.option("--department", "departments", multiple=True, help="主管部门（审核用户必填，可重复）")
@click.option("--db", "db_url", default=None, help="数据库 URL（默认 sqlite:///jixiao.db 或 JIXIAO_DB）")
def add(name: str, role: str, unit: str | None, departments: tuple[str, ...], db_url: str | None) -> None:
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("密码：")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        click.echo("错误：没有从标准输入读到密码", err=True)
        sys.exit(2)
    store = open_store(db_url)
    try:
        u = store.add_user(name, password, role, unit, list(departments))
    except UserError as e:
        click.echo(f"错误：{e.message}", err=True)
        sys.exit(2)
    finally:
        store.close()
    scope = f"，实施单位 {u.unit}" if u.unit else ""
    scope += f"，主管部门 {'、'.join(u.departments)}" if u.departments else ""
    click.echo(f"已创建用户 {u.username}（{u.role}{scope}）")
