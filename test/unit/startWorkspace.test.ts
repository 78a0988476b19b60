/**
 * The scratch copy of examples/ that `npm start` opens (copyMissingFiles in
 * test/vscode/harness/startProfile.ts): a newcomer's edits there survive a
 * restart, missing examples come back, run output is never copied, and the
 * source folder is never written.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyMissingFiles } from '../vscode/harness/startProfile';

/** Every file under `dir` with its text, relative paths with forward slashes. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return out;
}

describe("npm start's scratch copy of examples/", () => {
  let tmp: string;
  let source: string;
  let target: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-start-'));
    source = path.join(tmp, 'examples');
    target = path.join(tmp, 'cache', 'workspace', 'examples');
    const files: Record<string, string> = {
      'train.py': 'print("train")\n',
      'tfjs_train.js': 'console.log(1);\n',
      'data/readme.txt': 'data\n',
      '.greenlens/emissions.csv': 'run_id\n',
      '__pycache__/train.cpython-312.pyc': 'bytecode',
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
      fs.writeFileSync(path.join(source, rel), text);
    }
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('copies every example on the first start, without run output', () => {
    const before = tree(source);
    const copied = copyMissingFiles(source, target);
    assert.deepStrictEqual(copied, [path.join('data', 'readme.txt'), 'tfjs_train.js', 'train.py']);
    assert.deepStrictEqual(tree(target), { 'data/readme.txt': 'data\n', 'tfjs_train.js': 'console.log(1);\n', 'train.py': 'print("train")\n' });
    assert.deepStrictEqual(tree(source), before, 'the source folder is unchanged');
  });

  it("keeps the user's edits and additions, and brings back a deleted example", () => {
    copyMissingFiles(source, target);
    fs.writeFileSync(path.join(target, 'train.py'), 'print("edited by the user")\n');
    fs.writeFileSync(path.join(target, 'mine.py'), 'print("new")\n');
    fs.rmSync(path.join(target, 'tfjs_train.js'));
    fs.mkdirSync(path.join(target, '.greenlens'));
    fs.writeFileSync(path.join(target, '.greenlens', 'emissions.csv'), 'run_id\nabc\n');

    const copied = copyMissingFiles(source, target);
    assert.deepStrictEqual(copied, ['tfjs_train.js']);
    const after = tree(target);
    assert.strictEqual(after['train.py'], 'print("edited by the user")\n');
    assert.strictEqual(after['mine.py'], 'print("new")\n');
    assert.strictEqual(after['tfjs_train.js'], 'console.log(1);\n');
    assert.strictEqual(after['.greenlens/emissions.csv'], 'run_id\nabc\n', 'the run history in the copy is kept');
    assert.deepStrictEqual(copyMissingFiles(source, target), [], 'a third start copies nothing');
  });

  it('keeps what the user put where an example folder or file would go', () => {
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, 'data'), 'a file named like the data folder\n');
    fs.symlinkSync(path.join(tmp, 'nowhere.py'), path.join(target, 'train.py'));
    const copied = copyMissingFiles(source, target);
    assert.deepStrictEqual(copied, ['tfjs_train.js']);
    assert.strictEqual(fs.readFileSync(path.join(target, 'data'), 'utf8'), 'a file named like the data folder\n');
    assert.ok(fs.lstatSync(path.join(target, 'train.py')).isSymbolicLink(), 'the dangling link is left alone');
  });
});
