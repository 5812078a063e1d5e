#!/usr/bin/env bash
# The web application on the seed forms, from nothing: a fresh SQLite database, the ten seed
# forms imported, three users (administrator, the seed's unit, a reviewer of its department)
# with a new random password, then the server on http://127.0.0.1:8000/ (Ctrl+C stops it).
#   HOST, PORT          where to listen (default 127.0.0.1:8000)
#   JIXIAO_DEMO_DIR     where the database goes (default /tmp/jixiao-demo; recreated each run)
# Runs in the checkout's virtual environment, which scripts/setup.sh makes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/jixiao ]; then
  echo "错误：没有找到 .venv/bin/jixiao：请先运行 bash scripts/setup.sh（或 bash scripts/demo.sh）" >&2
  exit 1
fi
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DIR=${JIXIAO_DEMO_DIR:-/tmp/jixiao-demo}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
rm -f "$DIR"/jixiao.db "$DIR"/jixiao.db-wal "$DIR"/jixiao.db-shm
DB="sqlite:///$DIR/jixiao.db"
# One Python process imports the seed, creates the three users (what `jixiao user add` does) and
# prints the logins: a second demo run reaches the server in seconds.
.venv/bin/python - "$DB" examples/shanghai-2021.txt "http://$HOST:$PORT/" <<'PY'
import secrets
import sys

from jixiao.store import open_store

db, seed, url = sys.argv[1:]
password = secrets.token_urlsafe(12)
unit, department = "上海市社会保障卡服务中心", "上海市公安局"
with open_store(db) as store:
    result = store.import_file(seed)
    print(result.summary())
    if not result.ok or result.forms == 0:
        sys.exit(1)
    store.add_user("admin", password, "管理员")
    store.add_user("unit", password, "填报", unit, [department])
    store.add_user("reviewer", password, "审核", None, [department])
print(f"""
  地址：{url}
  管理员  用户名 admin     密码 {password}
  填报    用户名 unit      密码 {password}   （{unit}）
  审核    用户名 reviewer  密码 {password}   （{department}）
  数据库：{db}
""")
PY
exec .venv/bin/jixiao serve --db "$DB" --host "$HOST" --port "$PORT"
