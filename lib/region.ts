/**
 * Where the stack deploys: eu-north-1 unless the operator names a region (`-c region=...`), and
 * never outside the EEA unless the operator says so on purpose (`-c allowNonEeaRegion=true`).
 *
 * The CDK CLI always sets CDK_DEFAULT_REGION from the AWS profile, so that variable is not a choice
 * anybody made: it is ignored for the region. The account may still come from CDK_DEFAULT_ACCOUNT.
 * Pure: context values and environment come in as arguments (bin/app.ts passes the app's).
 */

export const DEFAULT_REGION = 'eu-north-1';
export const REGION_CONTEXT = 'region';
export const ALLOW_NON_EEA_CONTEXT = 'allowNonEeaRegion';

/**
 * AWS Regions located in the European Economic Area (EU member states; Norway, Iceland and
 * Liechtenstein have no AWS Region). eu-west-2 (London) and eu-central-2 (Zurich) are in Europe
 * but not in the EEA.
 */
export const EEA_REGIONS: Readonly<Record<string, string>> = {
  'eu-north-1': 'Stockholm, Sweden',
  'eu-west-1': 'Ireland',
  'eu-west-3': 'Paris, France',
  'eu-central-1': 'Frankfurt, Germany',
  'eu-south-1': 'Milan, Italy',
  'eu-south-2': 'Spain',
  'eusc-de-east-1': 'AWS European Sovereign Cloud, Brandenburg, Germany',
};

export interface DeploymentTarget {
  region: string;
  account?: string;
}

const flag = (value: unknown, name: string): boolean => {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`-c ${name}=${String(value)}: expected true or false.`);
};

/**
 * The account and region to deploy to. Throws, with what to do, when the region is outside the EEA
 * and the override is not set.
 */
export const deploymentTarget = (
  context: (key: string) => unknown,
  environment: Readonly<Record<string, string | undefined>>,
): DeploymentTarget => {
  const given = context(REGION_CONTEXT);
  if (given !== undefined && (typeof given !== 'string' || !/^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(given)))
    throw new Error(
      `-c ${REGION_CONTEXT}=${String(given)} is not an AWS Region name (e.g. ${DEFAULT_REGION}).`,
    );
  const region = (given as string | undefined) ?? DEFAULT_REGION;
  if (!(region in EEA_REGIONS) && !flag(context(ALLOW_NON_EEA_CONTEXT), ALLOW_NON_EEA_CONTEXT)) {
    throw new Error(
      `Region ${region} is outside the European Economic Area. Helsekjøp keeps procurement records and ` +
        `the personal data of officers and suppliers in the EEA: deploy to one of ` +
        `${Object.keys(EEA_REGIONS).join(', ')} (-c ${REGION_CONTEXT}=...; default ${DEFAULT_REGION}). ` +
        `If a region outside the EEA is a deliberate, approved decision, add -c ${ALLOW_NON_EEA_CONTEXT}=true.`,
    );
  }
  const account = environment.CDK_DEFAULT_ACCOUNT;
  return { region, ...(account ? { account } : {}) };
};
