# bash completion for pcilu: commands, each command's options (read from its --help,
# so they never drift), BDFs of the live host for operands and -s, files for SOURCE.
# shellcheck shell=bash

_pcilu_commands() {
	pcilu --help 2>/dev/null | awk '/^  [a-z]+ /{print $1}'
}

_pcilu() {
	local cur prev cmd words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "$(_pcilu_commands) --help --version" -- "$cur")
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	-o|--output|-f|--file|--save)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-s|--preserve|--explain)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/bus/pci/devices 2>/dev/null)" -- "$cur")
		return ;;
	--kernel|--profile)
		mapfile -t COMPREPLY < <(compgen -W "v4 next iommufd" -- "$cur")
		return ;;
	--driver)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/bus/pci/drivers 2>/dev/null)" -- "$cur")
		return ;;
	esac
	if [[ $cur == -* ]]; then
		words=$(pcilu "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*=\?' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	# An operand: a BDF of this host, or a file (SOURCE).
	mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/bus/pci/devices 2>/dev/null)" -- "$cur"; compgen -f -- "$cur")
}
complete -F _pcilu pcilu
