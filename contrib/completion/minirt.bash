# bash completion for minirt.  Commands and flags are read from minirt's own
# `--help` output at completion time, so they never go stale; container IDs
# come from `minirt list -q` (with the --root of the command line).
# shellcheck shell=bash

# _minirt_help ARGS...: the help of `minirt ARGS... --help`.
_minirt_help() {
  "${_minirt_bin:-minirt}" "$@" --help 2>/dev/null
}

# _minirt_commands [seccomp]: the commands `minirt [seccomp] help` lists.
_minirt_commands() {
  "${_minirt_bin:-minirt}" "$@" help 2>/dev/null |
    sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The flags of a help text, one per line: "--bundle DIR" or "-d".
_minirt_flags() {
  sed -n 's/^ \{2,\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//' | tr ',' '\n' |
    sed 's/^ *//' | grep '^-'
}

_minirt() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local _minirt_bin=${COMP_WORDS[0]} root=() cmd=() i w flags arg
  COMPREPLY=()

  # The command words (minirt seccomp record ...) and --root, skipping
  # global flags and their values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      --root | -root) root=(--root "${COMP_WORDS[i + 1]}"); ((i++)) ;;
      --root=*) root=(--root "${w#*=}") ;;
      --log | --log-format | --log-level | --criu | --cgroup-manager | --rootless) ((i++)) ;;
      -*) ;;
      *)
        cmd+=("$w")
        [ "$w" = seccomp ] || break
        ;;
    esac
  done

  flags=$(_minirt_help "${cmd[@]}" | _minirt_flags)

  # The value of a flag: choices (a|b|c), else a file name.
  arg=$(printf '%s\n' "$flags" | awk -v f="$prev" '$1 == f && NF > 1 { print $2; exit }')
  if [ -n "$arg" ]; then
    case $arg in
      *'|'*) mapfile -t COMPREPLY < <(compgen -W "${arg//|/ }" -- "$cur") ;;
      DIR) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
      *) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    esac
    return 0
  fi

  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(printf '%s\n' "$flags" | awk '{ print $1 }')" -- "$cur")
    return 0
  fi

  if [ ${#cmd[@]} -eq 0 ] || [ "${cmd[*]}" = seccomp ]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_minirt_commands "${cmd[@]}")" -- "$cur")
    return 0
  fi

  case ${cmd[0]} in
    checkpoint | delete | events | exec | kill | pause | ps | resume | start | state | update)
      mapfile -t COMPREPLY < <(compgen -W "$("$_minirt_bin" "${root[@]}" list -q 2>/dev/null)" -- "$cur")
      ;;
    help) mapfile -t COMPREPLY < <(compgen -W "$(_minirt_commands)" -- "$cur") ;;
    *) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
  esac
  return 0
}
complete -F _minirt minirt
