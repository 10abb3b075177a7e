'use strict';
// A serverless plugin (serverless.yml `plugins`): a stage that names no project, or no
// credentials, would deploy fine and then fail every scheduled run. So `package` and `deploy`
// refuse it and name the params to set. And `invoke local` on any stage but "local" says that
// it runs on that stage's params from serverless.yml, not on the shell's variables.

const README = 'README, "Deploying on AWS Lambda"';

/** What the stage's function environment lacks: what is missing, and the params that provide it. */
function missingParams(env, stage) {
  const missing = [];
  if (!env.OS_PROJECT_ID && !env.OS_PROJECT_NAME) {
    missing.push({ what: 'no project', set: 'osProjectId: <project id> (or osProjectName, with password credentials)' });
  }
  const hasPassword = Boolean(env.OS_PASSWORD);
  if (!hasPassword && !env.OS_SECRET_KEY && !env.OS_AUTH_TOKEN) {
    missing.push({ what: 'no credentials', set: `credentials: password, aksk or token (the secret drs-auto-retry/${stage} holds the matching keys)` });
  } else if (hasPassword && !env.OS_SECRET_KEY && !env.OS_AUTH_TOKEN && (!env.OS_USERNAME || !env.OS_USER_DOMAIN_NAME)) {
    missing.push({ what: 'no user for its password', set: 'osUsername and osUserDomainName, or credentials: aksk' });
  }
  return missing;
}

class StageParamsGuard {
  constructor(serverless, _options, utils) {
    const stage = () => serverless.getProvider('aws').getStage();
    const refuse = () => {
      // The local stage guard refuses that stage on its own, with its own reason.
      if (stage() === 'local') return;
      const missing = missingParams(serverless.service.provider.environment || {}, stage());
      if (missing.length === 0) return;
      throw new serverless.classes.Error(
        `The "${stage()}" stage has ${missing.map((m) => m.what).join(' and ')}, so every run would fail. ` +
          `Set under params.${stage()} in serverless.yml: ${missing.map((m) => m.set).join('; ')} (${README}).`,
      );
    };
    const hint = () => {
      if (stage() === 'local') return;
      const say = utils && utils.log ? (text) => utils.log.warning(text) : (text) => serverless.cli.log(text);
      say(
        `invoke local runs on the "${stage()}" stage's params from serverless.yml, not on your shell's variables. ` +
          'To run on your shell\'s variables, use --stage local (npm run invoke).',
      );
    };
    this.hooks = {
      'before:package:initialize': refuse,
      'before:deploy:function:initialize': refuse,
      'before:invoke:local:loadEnvVars': hint,
    };
  }
}

module.exports = StageParamsGuard;
module.exports.missingParams = missingParams;
