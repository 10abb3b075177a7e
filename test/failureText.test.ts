import { describe, expect, it } from 'vitest';
import { cutToCodePoints, failureReason, FAILURE_REASON_MAX_CHARS, maskCredentials } from '../lib/core/failureText.js';

const drs = (component: string, text: string) => `service ${component} failed, cause by: ${text}`;

// The AK/SK of Huawei's signing test vector (DESIGN.md): real shapes, public values.
const AK = 'QTWAOYTTINDUT2QVKYUC';
const SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc';

describe('failureReason masks what looks like a credential', () => {
  it('keeps the docs list example whole: address, options and user are what a person needs', () => {
    const example =
      'service LOGMANAGER failed, cause by: Unable to connect to DBMS: url=jdbc:mysql://172.22.74.56:3306?useUnicode=true&allowLoadLocalInfile=false&characterEncoding=UTF-8&connectTimeout=5000&useSSL=false&allowPublicKeyRetrieval=true&verifyServerCertificate=false&serverTimezone=UTC user=root';
    expect(failureReason(example)).toBe(example);
  });

  it.each([
    ['a JDBC query password', drs('LOGMANAGER', 'Unable to connect to DBMS: url=jdbc:mysql://10.0.0.5:3306?useSSL=false&password=Pa55w0rd!x&user=drs user=drs'), 'Pa55w0rd!x',
      'url=jdbc:mysql://10.0.0.5:3306?useSSL=false&password=***&user=drs user=drs'],
    ['a password after the user, space separated', drs('LOGMANAGER', 'Unable to connect to DBMS: url=jdbc:mysql://10.0.0.5:3306 user=root password=hunter2'), 'hunter2',
      'user=root password=***'],
    ['pwd=', drs('LOGMANAGER', 'connect failed: host=10.0.0.5;port=3306;uid=sa;pwd=Zx9!qq;'), 'Zx9!qq', 'uid=sa;pwd=***;'],
    ['pw=', drs('LOGMANAGER', 'connect failed: uid=sa pw=Qq7#x'), 'Qq7#x', 'uid=sa pw=***'],
    ['a JSON password', drs('DATAMOVE', 'bad endpoint {"ip":"10.0.0.5","db_user":"root","db_password":"p@ss:w0rd"}'), 'p@ss:w0rd', '"db_password":"***"'],
    ['user:pass@host', drs('LOGMANAGER', 'Unable to connect to DBMS: mongodb://admin:Tr0ub4dor@10.0.0.7:8635/admin?authSource=admin'), 'Tr0ub4dor',
      'mongodb://admin:***@10.0.0.7:8635/admin'],
    ['user:pass@host with an @ in the password', drs('LOGMANAGER', 'cannot reach postgres://repl:a@b@c@10.0.0.8:5432/db'), 'a@b@c', 'postgres://repl:***@10.0.0.8:5432/db'],
    ['IDENTIFIED BY', drs('INCREMENT', "apply ddl failed: CREATE USER 'app'@'%' IDENTIFIED BY 'Summer2024!'"), 'Summer2024!', "IDENTIFIED BY '***'"],
    ['IDENTIFIED WITH … BY', drs('INCREMENT', "ALTER USER 'app'@'%' IDENTIFIED WITH mysql_native_password BY \"Winter#1\" failed"), 'Winter#1',
      'IDENTIFIED WITH mysql_native_password BY "***"'],
    ['SET PASSWORD', drs('INCREMENT', "You have an error in your SQL syntax near SET PASSWORD FOR 'app'@'%' = 'Autumn_77'"), 'Autumn_77', "= '***'"],
    ['PostgreSQL PASSWORD', drs('INCREMENT', "ERROR: syntax error at CREATE ROLE app LOGIN PASSWORD 'sprIng99'"), 'sprIng99', "PASSWORD '***'"],
    ['an access key', drs('LOGMANAGER', `obs upload failed: ak ${AK} forbidden`), AK, 'ak *** forbidden'],
    ['a secret key', drs('LOGMANAGER', `signature mismatch for ${SK}`), SK, 'signature mismatch for ***'],
    ['ak= and sk=', drs('LOGMANAGER', `ak=${AK},sk=${SK}`), SK, 'ak=***,sk=***'],
    ['an IAM token', drs('LOGMANAGER', `X-Auth-Token: MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQMEAgEwggLXBgkqhkiG9w0BBwGgggLIBIICxHsidG9rZW4i rejected`), 'MIIEhQYJKoZIhvcNAQcCoII',
      'X-Auth-Token: *** rejected'],
    ['a bearer token', drs('LOGMANAGER', 'Authorization: Bearer abc.def-ghi_jkl'), 'abc.def-ghi_jkl', 'Bearer ***'],
    ['a private key', drs('LOGMANAGER', 'ssl setup failed -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\n-----END RSA PRIVATE KEY----- end'), 'MIIEpAIBAAKCAQEA1',
      '-----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY----- end'],
  ])('%s', (_name, text, secret, shown) => {
    const reason = failureReason(text) ?? '';
    expect(reason).not.toContain(secret);
    expect(reason).toContain(shown);
  });

  it('keeps MySQL 1045\'s "(using password: YES)", which carries no secret', () => {
    const text = drs('LOGMANAGER', "Access denied for user 'root'@'192.168.0.12' (using password: YES)");
    expect(failureReason(text)).toBe(text);
  });

  it('leaves ordinary DRS words, binlog names, GTIDs and lower-case digests alone', () => {
    const text = drs('LOGMANAGER',
      "Could not find first log file name in binary log index file mysql-bin.000123, gtid 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5, sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709, allowPublicKeyRetrieval=true");
    expect(maskCredentials(text)).toBe(text);
  });

  it('masks every secret of a text, not only the first', () => {
    const masked = maskCredentials('password=one1 and again password=two2 and pwd=three3');
    expect(masked).toBe('password=*** and again password=*** and pwd=***');
  });
});

describe('failureReason keeps the text to one bounded line', () => {
  it('is undefined without a text', () => {
    expect(failureReason(undefined)).toBeUndefined();
    expect(failureReason(' \n\t ')).toBeUndefined();
  });

  it('joins lines and drops control and bidirectional characters', () => {
    expect(failureReason('Communications link failure\n\nThe last packet\tsent\u0000 was \u202Eok\u202C.')).toBe(
      'Communications link failure The last packet sent was ok.',
    );
  });

  it(`cuts to ${FAILURE_REASON_MAX_CHARS} code points, never inside a surrogate pair`, () => {
    const long = drs('DATAMOVE', `Duplicate entry '${'🐬'.repeat(600)}' for key 'PRIMARY'`);
    const reason = failureReason(long) ?? '';
    expect(Array.from(reason)).toHaveLength(FAILURE_REASON_MAX_CHARS);
    expect(reason.endsWith('🐬…')).toBe(true);
    // No lone surrogate: a cut pair would show as U+FFFD in every message.
    expect(/\p{Cs}/u.test(reason)).toBe(false);
    expect(failureReason('x'.repeat(FAILURE_REASON_MAX_CHARS))).toHaveLength(FAILURE_REASON_MAX_CHARS);
  });

  it('masks before it cuts, so a secret at the edge leaves no prefix behind', () => {
    const text = `${'a '.repeat(240)}password=VeryLongSecretValue123`;
    const reason = failureReason(text) ?? '';
    expect(reason).not.toContain('VeryL');
    expect(Array.from(reason).length).toBeLessThanOrEqual(FAILURE_REASON_MAX_CHARS);
  });

  it('handles a megabyte of stack trace quickly', () => {
    const huge = drs('DATAMOVE', `Java heap space ${'at com.huawei.drs.Worker.run(Worker.java:42)\n'.repeat(25_000)}`);
    const started = performance.now();
    const reason = failureReason(huge) ?? '';
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(reason.startsWith('service DATAMOVE failed, cause by: Java heap space at com.huawei.drs.Worker.run')).toBe(true);
  });

  it('cutToCodePoints leaves short texts as they are', () => {
    expect(cutToCodePoints('abc', 3)).toBe('abc');
    expect(cutToCodePoints('abcd', 3)).toBe('ab…');
    expect(cutToCodePoints('😀😀😀', 3)).toBe('😀😀😀');
  });
});
