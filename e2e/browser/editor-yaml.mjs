// editor-yaml.mjs: applies the editor's YAML edits (web/static/editor-yaml.js,
// the module the page runs) to the cases on stdin and prints the results,
// so that e2e/editor_yaml_test.go checks them with the server's own parser.
// stdin: [{name, yaml, op: "replace"|"remove"|"allow", id, rule, allow}]
// stdout: [{name, yaml, error}]
import { replaceRule, removeRule, setLexiconAllow } from '../../web/static/editor-yaml.js';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((c) => {
  try {
    const yaml = c.op === 'replace' ? replaceRule(c.yaml, c.id, c.rule)
      : c.op === 'remove' ? removeRule(c.yaml, c.id)
        : setLexiconAllow(c.yaml, c.allow);
    return { name: c.name, yaml };
  } catch (e) {
    return { name: c.name, error: e.message };
  }
});
process.stdout.write(JSON.stringify(out));
