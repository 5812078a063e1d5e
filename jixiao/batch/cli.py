"""`jixiao batch DIR... [--db URL] [--workers N] [--scheduler tcp://HOST:PORT] [--report OUT.xlsx]`."""

from __future__ import annotations

import sys

import click

from ..errors import JixiaoError, fail, os_error
from .run import BatchOptions, Progress, run_batch


class BarProgress(Progress):
    """A rich progress bar: files done of all, files per second, forms, files with errors, time left."""

    def __init__(self, enabled: bool):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, ProgressColumn, TextColumn, TimeRemainingColumn
        from rich.text import Text

        class Speed(ProgressColumn):
            def render(self, task) -> Text:
                return Text(f"{task.speed or 0:,.1f} 个文件/秒")

        self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Speed(),
                       TextColumn("{task.fields[forms]:,} 张表"), TextColumn("{task.fields[errors]:,} 个文件有错误"),
                       TimeRemainingColumn(), disable=not enabled, transient=False)
        self.task = None
        self.forms = self.errors = 0

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("批量处理", total=total, forms=0, errors=0)

    def advance(self, files: int, forms: int, errors: int) -> None:
        self.forms += forms
        self.errors += errors
        self.bar.update(self.task, advance=files, forms=self.forms, errors=self.errors)

    def phase(self, text: str) -> None:
        if self.task is not None:
            self.bar.update(self.task, description=text)

    def stop(self) -> None:
        self.bar.stop()


@click.command(help="批量读取、评分、检查并保存目录中的全部自评表；输出汇总工作簿和全部发现的 CSV。"
                    "已保存过的文件（按内容哈希）会跳过，中断后重新运行即可续跑。")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", "url", default=None, help="数据库 URL（默认 $JIXIAO_DB 或 sqlite:///jixiao.db；PostgreSQL：postgresql+psycopg://…）")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="本机进程数（默认全部核心）")
@click.option("--scheduler", default=None, help="在 Dask 集群上运行：调度器地址 tcp://HOST:PORT")
@click.option("--report", default="jixiao-batch.xlsx", show_default=True, help="汇总工作簿（.xlsx）")
@click.option("--findings", default=None, help="全部发现的 CSV（默认与工作簿同名，加 -findings.csv）")
@click.option("--exclude", multiple=True, help="跳过与此通配符匹配的文件名，可重复，如 --exclude manifest.csv")
@click.option("--chunk", type=click.IntRange(min=1), default=16, show_default=True, help="每个任务包含的文件数")
def batch(dirs: tuple[str, ...], url: str | None, workers: int | None, scheduler: str | None, report: str,
          findings: str | None, exclude: tuple[str, ...], chunk: int) -> None:
    if workers and scheduler:
        raise click.UsageError("--workers 只用于本机运行；在 Dask 集群上运行时由集群决定 worker 数")
    progress = BarProgress(enabled=sys.stderr.isatty())
    opts = BatchOptions(roots=list(dirs), url=url, workers=workers, scheduler=scheduler, report=report,
                        findings=findings, exclude=exclude, chunk=chunk)
    from sqlalchemy.exc import SQLAlchemyError

    try:
        summary = run_batch(opts, progress)
    except SQLAlchemyError as e:
        orig = getattr(e, "orig", None) or e
        fail(JixiaoError(f"无法打开或写入数据库 {url or '（默认）'}：{type(orig).__name__}: {orig}"), 1)
    except OSError as e:
        fail(os_error("无法完成批量处理", e), 1)
    finally:
        progress.stop()
    for line in summary.lines():
        click.echo(line)
    click.echo(f"汇总工作簿：{summary.report}")
    click.echo(f"全部发现（CSV）：{summary.findings}")
    sys.exit(2 if summary.files_with_errors else 0)
