import ts from "typescript";

/** What the TSDoc check found in one package's built declarations. */
export interface TsdocCoverage {
  /** Exports of the entry point that have no doc comment: errors. */
  undocumentedExports: string[];
  /** Fields of exported `*Init` / `*Options` types without a doc comment: errors (the option contract). */
  undocumentedOptions: string[];
  /** Other members (fields, methods) of exported types without a doc comment: reported, not fatal. */
  undocumentedMembers: string[];
  /** Factories (`fromX`, `withX`, `toX`, `createX`, `startX`) whose comment has no `@example`: errors. */
  factoriesWithoutExample: string[];
  /** Other exported functions and classes whose comment has no `@example`: reported, not fatal. */
  withoutExample: string[];
  /** Number of exports looked at. */
  exportCount: number;
}

/** The way into a package, in the AWS SDK v3 style: each one shows its use. */
const FACTORY = /^(from|with|to|create|start)[A-Z]/;

/** Option objects: every field is part of the documented contract (its meaning and default). */
const OPTION_TYPE = /(Init|Options)$/;

/**
 * Checks the doc comments of a package's public surface as its users see it: the exports of its
 * built `dist/index.d.ts` (tsup keeps the comments there), with the TypeScript compiler API.
 */
export function tsdocCoverage(entryDts: string): TsdocCoverage {
  const program = ts.createProgram([entryDts], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // tsup rolls the package's own declarations into this one file: only its comments matter,
    // so imports are not followed (aws-sdk v2's types alone are ~1M lines).
    noResolve: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entryDts);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entryDts}: not a module`);

  const coverage: TsdocCoverage = { undocumentedExports: [], undocumentedOptions: [], undocumentedMembers: [], factoriesWithoutExample: [], withoutExample: [], exportCount: 0 };
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    coverage.exportCount += 1;
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const name = exported.getName();
    if (!isDocumented(symbol, checker)) coverage.undocumentedExports.push(name);
    else if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class) && !hasTag(symbol, "example")) {
      (FACTORY.test(name) ? coverage.factoriesWithoutExample : coverage.withoutExample).push(name);
    }
    for (const member of ownMembers(symbol)) {
      if (isDocumented(member, checker) || isErrorNameOverride(symbol, member)) continue;
      const path = `${name}.${member.getName()}`;
      if (OPTION_TYPE.test(name) && member.flags & ts.SymbolFlags.Property) coverage.undocumentedOptions.push(path);
      else coverage.undocumentedMembers.push(path);
    }
  }
  return coverage;
}

function isDocumented(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (symbol.getDocumentationComment(checker).length > 0) return true;
  // A comment made only of tags (`@deprecated`, `@internal`, ...) still documents the symbol.
  return (symbol.getDeclarations() ?? []).some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0);
}

function hasTag(symbol: ts.Symbol, tag: string): boolean {
  return (symbol.getDeclarations() ?? []).some((declaration) => ts.getJSDocTags(declaration).some((found) => found.tagName.text === tag));
}

/** Members declared on the symbol itself (inherited ones are checked where they are declared). */
function ownMembers(symbol: ts.Symbol): ts.Symbol[] {
  const members = new Set<ts.Symbol>(); // a get/set pair is one symbol
  for (const declaration of symbol.getDeclarations() ?? []) {
    const container = ts.isTypeAliasDeclaration(declaration) && ts.isTypeLiteralNode(declaration.type) ? declaration.type : declaration;
    if (!ts.isInterfaceDeclaration(container) && !ts.isClassDeclaration(container) && !ts.isTypeLiteralNode(container)) continue;
    for (const member of container.members) {
      if (ts.isConstructorDeclaration(member) || ts.isIndexSignatureDeclaration(member)) continue;
      if (ts.canHaveModifiers(member) && ts.getModifiers(member)?.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword)) continue;
      // `#private` fields, and symbol-keyed members such as `[inspect.custom]` (standard meaning).
      if (member.name && (ts.isPrivateIdentifier(member.name) || ts.isComputedPropertyName(member.name))) continue;
      const memberSymbol = (member as ts.Node & { symbol?: ts.Symbol }).symbol;
      if (memberSymbol) members.add(memberSymbol);
    }
  }
  return [...members];
}

/** `readonly name = "XError"` on an Error subclass: its meaning is the class's own. */
function isErrorNameOverride(owner: ts.Symbol, member: ts.Symbol): boolean {
  return member.getName() === "name" && (owner.flags & ts.SymbolFlags.Class) !== 0 && /Error$/.test(owner.getName());
}
