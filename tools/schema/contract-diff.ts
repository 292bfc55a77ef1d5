import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';

const kind = (t: GraphQLNamedType): string =>
  isObjectType(t) ? 'type' : isInterfaceType(t) ? 'interface' : isInputObjectType(t) ? 'input' : isEnumType(t) ? 'enum' : isScalarType(t) ? 'scalar' : isUnionType(t) ? 'union' : 'other';

/**
 * What the schema lacks of the integration contract (shared/api/contract.graphql, vendored
 * as apps/api/contract.graphql): every type, field, argument, input field and enum value
 * with the same type and nullability; no required argument or input field the contract
 * does not have. Extra things are fine. The same rules as shared/tools/check-contract.mjs.
 */
export function contractDifferences(schemaSdl: string, contractSdl: string): string[] {
  const contract = buildSchema(contractSdl);
  const schema = buildSchema(schemaSdl);
  const problems: string[] = [];
  for (const want of Object.values(contract.getTypeMap())) {
    if (want.name.startsWith('__')) continue;
    const got = schema.getType(want.name);
    if (!got) {
      problems.push(`missing ${kind(want)} ${want.name}`);
      continue;
    }
    if (kind(got) !== kind(want)) {
      problems.push(`${want.name}: is a ${kind(got)}, the contract has a ${kind(want)}`);
      continue;
    }
    if (isEnumType(want) && isEnumType(got)) {
      const have = new Set(got.getValues().map((v) => v.name));
      for (const v of want.getValues()) if (!have.has(v.name)) problems.push(`enum ${want.name}: missing value ${v.name}`);
      continue;
    }
    if ((isObjectType(want) || isInterfaceType(want)) && (isObjectType(got) || isInterfaceType(got))) {
      const interfaces = new Set(got.getInterfaces().map((i) => i.name));
      for (const i of want.getInterfaces()) if (!interfaces.has(i.name)) problems.push(`${want.name}: does not implement ${i.name}`);
    }
    if ((isObjectType(want) || isInterfaceType(want) || isInputObjectType(want)) && (isObjectType(got) || isInterfaceType(got) || isInputObjectType(got))) {
      const gotFields = got.getFields() as Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>;
      for (const [name, f] of Object.entries(want.getFields() as Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>)) {
        const g = gotFields[name];
        if (!g) {
          problems.push(`${want.name}.${name}: missing`);
          continue;
        }
        if (String(g.type) !== String(f.type)) problems.push(`${want.name}.${name}: is ${String(g.type)}, the contract has ${String(f.type)}`);
        const wantArgs = 'args' in f ? f.args : [];
        const gotArgs = 'args' in g ? g.args : [];
        for (const a of wantArgs) {
          const ga = gotArgs.find((x) => x.name === a.name);
          if (!ga) problems.push(`${want.name}.${name}(${a.name}): argument missing`);
          else if (String(ga.type) !== String(a.type)) problems.push(`${want.name}.${name}(${a.name}): is ${String(ga.type)}, the contract has ${String(a.type)}`);
        }
        for (const ga of gotArgs) {
          if (String(ga.type).endsWith('!') && ga.defaultValue === undefined && !wantArgs.some((a) => a.name === ga.name))
            problems.push(`${want.name}.${name}(${ga.name}): a required argument the contract does not have`);
        }
      }
      if (isInputObjectType(want) && isInputObjectType(got)) {
        for (const [name, g] of Object.entries(got.getFields())) {
          if (!want.getFields()[name] && String(g.type).endsWith('!') && g.defaultValue === undefined)
            problems.push(`${want.name}.${name}: a required input field the contract does not have`);
        }
      }
    }
  }
  return problems;
}
