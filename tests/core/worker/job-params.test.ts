/** A template's parameters on the worker: references per shell, values in the environment, and cmd refusing values it would run as syntax. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyParams } from '../../../electron/core/worker/job-params.ts';
import { paramEnvName } from '../../../shared/templates.ts';

describe('job parameters', () => {
  it('names the variable CMDX_PARAM_ and the name upper-cased, anything else as _', () => {
    assert.equal(paramEnvName('repo_url'), 'CMDX_PARAM_REPO_URL');
    assert.equal(paramEnvName('Level2'), 'CMDX_PARAM_LEVEL2');
  });

  it("refers to the variable in the job's shell and puts the value in the environment, never in the command", () => {
    const params = { msg: 'x"; touch pwned; echo "' };
    const sh = applyParams('echo {{msg}} && echo {{ msg }}', params, 'sh');
    assert.equal(sh.commands, 'echo "$CMDX_PARAM_MSG" && echo "$CMDX_PARAM_MSG"');
    assert.deepEqual(sh.env, { CMDX_PARAM_MSG: 'x"; touch pwned; echo "' });
    assert.equal(applyParams('echo {{msg}}', params, 'powershell').commands, 'echo $env:CMDX_PARAM_MSG');
    assert.equal(applyParams('echo {{msg}}', params, 'pwsh').commands, 'echo $env:CMDX_PARAM_MSG');
    assert.equal(applyParams('echo {{msg}}', { msg: 'plain words' }, 'cmd').commands, 'echo %CMDX_PARAM_MSG%');
    assert.equal(applyParams('echo {{msg}}', { msg: 'a' }, null, 'win32').commands, 'echo %CMDX_PARAM_MSG%', "a Windows worker's default shell is cmd");
    assert.equal(applyParams('echo {{msg}}', { msg: 'a' }, null, 'linux').commands, 'echo "$CMDX_PARAM_MSG"');
    assert.deepEqual(applyParams('echo {{msg}}', undefined, 'sh'), { commands: 'echo {{msg}}', env: {} }, 'a job without parameters is left alone');
  });

  it('refuses, for cmd, a value cmd would read as syntax (it expands %VAR% before parsing), with a sentence', () => {
    for (const value of ['a & calc', 'a | more', 'a > out', '%PATH%', 'a^b', '"quoted"', '(x)', 'wow!'])
      assert.throws(() => applyParams('echo {{msg}}', { msg: value }, 'cmd'), /holds a character cmd would run as syntax .*powershell or sh/, value);
  });
});
