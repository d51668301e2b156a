/**
 * A part of the stack: a construct that groups resources for the reader, and is no level of their
 * logical IDs. The stack allocates every logical ID as if its parts were not there (`logicalIdOf`),
 * so a resource keeps the ID it had when the stack declared it directly, and moving resources
 * between parts updates a deployed stack instead of replacing what it holds.
 *
 * What the parts cannot hide: names aws-cdk-lib derives from a construct's full path
 * (`Names.nodeUniqueId`, `node.path`), such as the Sid of a rule's statement in its dead-letter
 * queue's policy. Only an id of 'Default' is left out of those too: the functions' part has it, so
 * the invoke permissions named after their functions keep their logical IDs.
 */
import { createHash } from 'node:crypto';
import type { CfnElement } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export abstract class Part extends Construct {}

const alphanumeric = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

/**
 * The logical ID aws-cdk-lib allocates (its makeUniqueId: the path's human part and an MD5 hash of
 * the path), computed over the path from the stack down with the parts left out.
 */
export const logicalIdOf = (element: CfnElement): string => {
  const scopes = element.node.scopes;
  const path = scopes
    .slice(scopes.indexOf(element.stack) + 1)
    .filter((scope) => !(scope instanceof Part))
    .map((scope) => scope.node.id)
    // 'Default' is no level of an ID either, in CDK's scheme.
    .filter((id) => id !== 'Default');
  const [only] = path;
  // A resource declared directly in the stack keeps its own ID, as CloudFormation templates name them.
  if (path.length === 1 && only !== undefined && alphanumeric(only).length <= 255) return alphanumeric(only);
  const hash = createHash('md5').update(path.join('/')).digest('hex').slice(0, 8).toUpperCase();
  // The human part: a component that the one kept before it ends with is left out, and so is 'Resource'.
  const kept: string[] = [];
  for (const id of path) if (!kept.at(-1)?.endsWith(id)) kept.push(id);
  const human = kept
    .filter((id) => id !== 'Resource')
    .map(alphanumeric)
    .join('')
    .slice(0, 240);
  return human + hash;
};
