'use strict';
// A serverless plugin (serverless.yml `plugins`): the "local" stage is refused for anything that
// packages or deploys. That stage copies the shell's variables, passwords and keys included,
// into the function's environment for `serverless invoke local`; packaged, they would sit in
// plain text in the CloudFormation template, and deployed, in the Lambda configuration.
class LocalStageGuard {
  constructor(serverless) {
    const refuse = () => {
      if (serverless.getProvider('aws').getStage() !== 'local') return;
      throw new serverless.classes.Error(
        'The "local" stage copies your shell\'s secrets into the function\'s environment and is for ' +
          '`npm run invoke` (serverless invoke local) only. Package or deploy a real stage instead, ' +
          'e.g. --stage prod, whose secrets come from AWS Secrets Manager.',
      );
    };
    this.hooks = {
      'before:package:initialize': refuse,
      'before:deploy:function:initialize': refuse,
    };
  }
}

module.exports = LocalStageGuard;
