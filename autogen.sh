#!/bin/sh
# Prepares a fresh checkout: ./autogen.sh [--deps]
#   --deps  installs the Debian 12 packages the build and the tests need
#           (as root through apt-get; otherwise prints the command to run).
set -e
cd "$(dirname "$0")"

DEBIAN_PACKAGES="build-essential autoconf automake autopoint gettext pkg-config
 libncurses-dev libsqlite3-dev libcurl4-openssl-dev libjansson-dev
 libmicrohttpd-dev libsodium-dev libpq-dev libcmocka-dev libical-dev
 tmux tzdata locales sqlite3 faketime curl procps clang libclang-rt-dev"

if [ "$1" = "--deps" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $DEBIAN_PACKAGES
		# The Spanish screens are tested under a Spanish locale.
		if ! locale -a 2>/dev/null | grep -qi '^es_ES\.utf-\?8$'; then
			sed -i 's/^# *\(es_ES.UTF-8 UTF-8\)/\1/' /etc/locale.gen
			locale-gen >/dev/null
		fi
	else
		echo "Run as root first:" >&2
		echo "  apt-get install -y $(echo $DEBIAN_PACKAGES)" >&2
		echo "  sed -i 's/^# *\(es_ES.UTF-8 UTF-8\)/\1/' /etc/locale.gen && locale-gen" >&2
	fi
fi

autoreconf --force --install
echo "Now run: ./configure && make"
