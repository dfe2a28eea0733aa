# Sourced first thing by the scripts that need root (demo.sh, test.sh), before they cd: as root
# it does nothing; as anyone else it runs the script again through sudo, or stops with one line
# when there is no sudo. PATH goes along, so a Node.js found only in the user's PATH is found.
if [ "$(id -u)" -ne 0 ]; then
  as_root_script=$(realpath "${BASH_SOURCE[1]}")
  if command -v sudo >/dev/null 2>&1; then
    exec sudo env "PATH=$PATH" bash "$as_root_script" "$@"
  fi
  echo "$(basename "$as_root_script"): needs root (network namespaces, nftables): run it as root, or install sudo" >&2
  exit 1
fi
