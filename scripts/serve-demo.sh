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
PASSWORD=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')

.venv/bin/python - "$DB" examples/shanghai-2021.txt <<'PY'
import sys
from jixiao.store import open_store

with open_store(sys.argv[1]) as store:
    result = store.import_file(sys.argv[2])
    print(result.summary())
    if not result.ok or result.forms == 0:
        sys.exit(1)
PY

.venv/bin/jixiao user add admin --role 管理员 --db "$DB" <<< "$PASSWORD"
.venv/bin/jixiao user add unit --role 填报 --unit 上海市社会保障卡服务中心 --department 上海市公安局 --db "$DB" <<< "$PASSWORD"
.venv/bin/jixiao user add reviewer --role 审核 --department 上海市公安局 --db "$DB" <<< "$PASSWORD"

cat <<INFO

  地址：http://$HOST:$PORT/
  管理员  用户名 admin     密码 $PASSWORD
  填报    用户名 unit      密码 $PASSWORD   （上海市社会保障卡服务中心）
  审核    用户名 reviewer  密码 $PASSWORD   （上海市公安局）
  数据库：$DB

INFO
exec .venv/bin/jixiao serve --db "$DB" --host "$HOST" --port "$PORT"
