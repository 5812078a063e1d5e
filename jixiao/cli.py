"""The `jixiao` command line. Each command lives in the module of its stage and is loaded lazily,
so `jixiao parse` does not pay for importing the web application."""

from __future__ import annotations

import importlib

import click

# command name → "module:function"; the module owns the command's options and help text.
COMMANDS: dict[str, str] = {
    "parse": "jixiao.cli_parse:parse",
    "check": "jixiao.checks.cli:check",
    "export": "jixiao.writers.cli:export",
    "template": "jixiao.writers.cli:template",
    "serve": "jixiao.web.cli:serve",
    "user": "jixiao.web.cli:user",
    "batch": "jixiao.batch.cli:batch",
    "synth": "jixiao.synth.cli:synth",
}

HELP = {
    "parse": "读取自评表并显示（--json 输出 JSON）",
    "check": "按规则重新评分并列出所有不一致之处",
    "export": "把自评表写成标准格式的 Excel 或 Word",
    "template": "生成空白的自评表填报模板",
    "serve": "启动 Web 应用",
    "user": "管理 Web 应用的用户",
    "batch": "批量处理目录中的自评表",
    "synth": "生成带已知错误的模拟自评表",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("命令"):
            formatter.write_dl([(n, HELP.get(n, "")) for n in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jixiao", message="%(prog)s %(version)s")
def main() -> None:
    """jixiao（绩效）：读取、重新评分并检查财政项目支出绩效自评表。"""


if __name__ == "__main__":  # pragma: no cover
    main()
