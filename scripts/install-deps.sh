#!/usr/bin/env bash
# Installs the system packages tepai needs on Debian/Ubuntu, if they are missing:
# libcurl4-openssl-dev (outgoing HTTP through libcurl), libsqlite3-dev (GRDB) and chromium with a CJK
# font (the web console's browser tests load every page in headless Chromium).
set -euo pipefail
need=()
pkg-config --exists libcurl 2>/dev/null || need+=(libcurl4-openssl-dev)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# A CJK font, so that the console's screenshots show the Chinese text instead of empty boxes.
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then need+=(fonts-wqy-zenhei); fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}"
