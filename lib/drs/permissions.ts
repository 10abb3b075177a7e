/**
 * What each DRS call of this tool needs in IAM, in the words of DRS's permission table
 * (reference/otc-docs/drs/permissions_management.rst, Table 3: the action, and the roles its
 * "Remarks" column names). Said when DRS refuses a call for lack of rights (README "Permissions",
 * SECURITY.md).
 */

/** The DRS calls this tool makes. */
export type DrsCall = 'list' | 'batch-detail' | 'batch-retry-task';

interface Needs {
  /** The fine-grained action ("Obtaining the online migration task list", …). */
  action: string;
  /** What else Table 3 asks for in the project, if anything. */
  alsoNeeds?: string;
}

const NEEDS: Readonly<Record<DrsCall, Needs>> = {
  // "Obtaining the online migration task list": Remarks "None".
  list: { action: 'drs:migrationJob:list' },
  // "Querying task details": "The read permission for the corresponding instance is required.
  // For example, if the RDS database is used, configure the RDS ReadOnlyAccess permission".
  'batch-detail': { action: 'drs:migrationJob:get', alsoNeeds: 'the read permission of the tasks\' DB instances (RDS ReadOnlyAccess when they are RDS)' },
  // "Performing operations on tasks": "The VPC FullAccess permission for the project is required.
  // If the RDS database is used, you need to configure the RDS ReadOnlyAccess permission".
  'batch-retry-task': { action: 'drs:migrationJob:action', alsoNeeds: 'VPC FullAccess, and RDS ReadOnlyAccess when the tasks use RDS' },
};

/**
 * One sentence for a refused call: the action to grant, the roles DRS's table adds, and the
 * system policy that covers every call of this tool, for accounts where a custom policy is refused.
 */
export function permissionAdvice(call: DrsCall): string {
  const { action, alsoNeeds } = NEEDS[call];
  return `The credentials lack the IAM permission ${action}: grant it in this project${alsoNeeds ? ` with ${alsoNeeds}` : ''}`
    + ' (or the system policy DRS FullWithOutDeletePermission with VPC FullAccess and RDS ReadOnlyAccess); SECURITY.md lists what to grant';
}
