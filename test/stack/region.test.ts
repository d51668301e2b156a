/**
 * Where the stack deploys (lib/region.ts): eu-north-1 unless a region is named with -c region=,
 * never outside the EEA unless the operator overrides on purpose; the profile's region that the CDK
 * CLI puts in CDK_DEFAULT_REGION is not a choice and does not count.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION, deploymentTarget, EEA_REGIONS } from '../../lib/region.ts';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('the deployment region', () => {
  it('is eu-north-1 when no region is given, whatever region the profile puts in CDK_DEFAULT_REGION', () => {
    expect(DEFAULT_REGION).toBe('eu-north-1');
    expect(
      deploymentTarget(contextOf({}), {
        CDK_DEFAULT_REGION: 'us-east-1',
        CDK_DEFAULT_ACCOUNT: '123456789012',
      }),
    ).toEqual({ region: 'eu-north-1', account: '123456789012' });
    expect(deploymentTarget(contextOf({}), {})).toEqual({ region: 'eu-north-1' });
  });

  it('is the region given with -c region=, when it is in the EEA', () => {
    for (const region of ['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-south-1', 'eu-south-2']) {
      expect(deploymentTarget(contextOf({ region }), { CDK_DEFAULT_REGION: 'us-east-1' }).region).toBe(
        region,
      );
    }
  });

  it('refuses regions outside the EEA, London and Zurich included, saying how to proceed', () => {
    for (const region of ['us-east-1', 'eu-west-2', 'eu-central-2', 'il-central-1', 'me-central-1']) {
      expect(() => deploymentTarget(contextOf({ region }), {})).toThrow(
        new RegExp(`Region ${region} is outside the European Economic Area.*-c allowNonEeaRegion=true`),
      );
    }
    expect(Object.keys(EEA_REGIONS)).not.toContain('eu-west-2');
    expect(Object.keys(EEA_REGIONS)).not.toContain('eu-central-2');
  });

  it('deploys outside the EEA only with the explicit override, and rejects an override it cannot read', () => {
    expect(deploymentTarget(contextOf({ region: 'eu-west-2', allowNonEeaRegion: 'true' }), {}).region).toBe(
      'eu-west-2',
    );
    expect(deploymentTarget(contextOf({ region: 'us-east-1', allowNonEeaRegion: true }), {}).region).toBe(
      'us-east-1',
    );
    expect(() =>
      deploymentTarget(contextOf({ region: 'us-east-1', allowNonEeaRegion: 'false' }), {}),
    ).toThrow(/outside the European Economic Area/);
    expect(() => deploymentTarget(contextOf({ region: 'us-east-1', allowNonEeaRegion: 'yes' }), {})).toThrow(
      /allowNonEeaRegion=yes: expected true or false/,
    );
  });

  it('rejects a region name that is not one', () => {
    expect(() => deploymentTarget(contextOf({ region: 'stockholm' }), {})).toThrow(/not an AWS Region name/);
  });
});
