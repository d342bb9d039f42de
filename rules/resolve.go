package rules

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// resolvePath finds the YAML node a DSL path names, such as
// "earnings[0].bands.table[1].from" or "fields.segment", starting at a
// document's root mapping. It returns the deepest node the path reaches,
// and whether it reached the whole path: a rule of incentive.Validate
// about a part the file leaves to its default (a missing `to:`) is then
// reported at the nearest written part. For a mapping key whose value is
// a scalar the value is returned (the caret goes under the value); for a
// mapping or list value, the key (the caret goes under the key's name, as
// the compiler's own errors do).
func resolvePath(root *yaml.Node, path string) (*yaml.Node, bool) {
	cur := root
	at := root
	for path != "" {
		var key string
		idx := -1
		switch {
		case strings.HasPrefix(path, "["):
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return at, false
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				return at, false
			}
			idx, path = n, path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			key, path = path[:end], path[end:]
		}
		path = strings.TrimPrefix(path, ".")
		if cur.Kind == yaml.DocumentNode && len(cur.Content) == 1 {
			cur = cur.Content[0]
		}
		if cur.Kind == yaml.AliasNode && cur.Alias != nil {
			cur = cur.Alias
		}
		switch {
		case idx >= 0:
			if cur.Kind != yaml.SequenceNode || idx >= len(cur.Content) {
				return at, false
			}
			cur = cur.Content[idx]
			at = cur
		default:
			if cur.Kind != yaml.MappingNode {
				return at, false
			}
			found := false
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if cur.Content[i].Value == key {
					k, v := cur.Content[i], cur.Content[i+1]
					cur, found = v, true
					at = k
					if v.Kind == yaml.ScalarNode {
						at = v
					}
					break
				}
			}
			if !found {
				return at, false
			}
		}
	}
	return at, true
}

// listItems maps a program list (earnings, eligibility, groups) to the
// positions in the file's list of the items the decoder kept: item i of
// Program.Earnings is item listItems["earnings"][i] of `earnings:`. The
// decoder skips an item it cannot read, so without it a path of
// incentive.Validate would name the wrong item after a skipped one.
type listItems map[string][]int

// filePath rewrites the first index of a Validate path
// ("earnings[1].bands") to the item's position in the file
// ("earnings[2].bands"). A path whose list is not mapped, or whose index
// is beyond the kept items, is returned unchanged.
func (l listItems) filePath(path string) string {
	open := strings.IndexByte(path, '[')
	if open < 0 {
		return path
	}
	items, ok := l[path[:open]]
	end := strings.IndexByte(path[open:], ']')
	if !ok || end < 0 {
		return path
	}
	end += open
	i, err := strconv.Atoi(path[open+1 : end])
	if err != nil || i < 0 || i >= len(items) {
		return path
	}
	return path[:open+1] + strconv.Itoa(items[i]) + path[end:]
}
