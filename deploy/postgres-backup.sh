#!/bin/sh
# Back up or restore consortia's PostgreSQL database with pg_dump and
# pg_restore (consortia backup/restore cover the embedded SQLite database).
#
#   deploy/postgres-backup.sh backup FILE [pg_dump options…]
#   deploy/postgres-backup.sh restore FILE [pg_restore options…]
#
# The database is CONSORTIA_DATABASE_URL (postgres://… or key=value), or the
# PG* variables when it is unset. backup writes FILE.partial first, checks it
# with pg_restore --list (and that it holds the schema version table), then
# renames it; it refuses to replace FILE unless FORCE=1. restore checks FILE
# the same way, then replaces the database's objects in one transaction.
set -eu

usage() {
	echo "usage: $0 backup|restore FILE [options…]" >&2
	exit 2
}
[ $# -ge 2 ] || usage
action=$1
file=$2
shift 2
url=${CONSORTIA_DATABASE_URL:-}
case $url in
sqlite:* | *.db)
	echo "$0: CONSORTIA_DATABASE_URL names an SQLite database; use consortia backup/restore" >&2
	exit 2
	;;
esac

verify() {
	if ! listing=$(pg_restore --list "$1"); then
		echo "$0: $1 is not a readable pg_dump archive" >&2
		return 1
	fi
	if ! printf '%s\n' "$listing" | grep -q 'TABLE .*goose_db_version'; then
		echo "$0: $1 has no goose_db_version table; is it a consortia database?" >&2
		return 1
	fi
}

case $action in
backup)
	if [ -e "$file" ] && [ "${FORCE:-}" != 1 ]; then
		echo "$0: $file already exists (set FORCE=1 to replace it)" >&2
		exit 1
	fi
	tmp="$file.partial"
	rm -f "$tmp"
	trap 'rm -f "$tmp"' EXIT
	if [ -n "$url" ]; then
		pg_dump --format=custom --file="$tmp" "$@" --dbname="$url"
	else
		pg_dump --format=custom --file="$tmp" "$@"
	fi
	verify "$tmp"
	mv "$tmp" "$file"
	trap - EXIT
	echo "wrote $file ($(wc -c <"$file" | tr -d ' ') bytes), pg_restore --list ok"
	;;
restore)
	[ -f "$file" ] || { echo "$0: no file $file" >&2; exit 1; }
	verify "$file"
	# Without --dbname pg_restore would print SQL instead of restoring.
	if [ -n "$url" ]; then
		set -- "$@" --dbname="$url"
	elif [ -n "${PGDATABASE:-}" ]; then
		set -- "$@" --dbname="$PGDATABASE"
	else
		echo "$0: set CONSORTIA_DATABASE_URL (or PGDATABASE) to the database to restore into" >&2
		exit 2
	fi
	pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error "$@" "$file"
	echo "restored $file"
	;;
*)
	usage
	;;
esac
