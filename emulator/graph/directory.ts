/**
 * Entra's directory as Graph v1.0 serves it: `GET /groups` (Learn, "List groups"),
 * `GET /groups/{id}` ("Get group"), `GET /groups/{id}/members` with its `$count` segment and OData
 * casts ("List group members"). Members are listed with their `@odata.type`; a cast lists one type
 * (the type is then in the context, not on each item).
 *
 * A group's generated users (`generatedUsers`) are made up per page from their index, so a group of
 * 100,000 users costs a page, and its `$count` costs nothing.
 */
import {
    directoryMemberTypes,
    type DirectoryMemberType,
    groupDefaultProperties,
    userDefaultProperties,
} from "../../contract/graph/entities";
import { graphTypes } from "../../contract/graph/model";
import type { Directory, DirectoryGroupRecord } from "../store";
import { generatedUser } from "../generatedUsers";
import { countReply, GraphError, type Reply, unsupportedQuery } from "./errors";
import {
    type Answer,
    arraySequence,
    checkShapeOptions,
    collectionPage,
    entityBody,
    type ODataRequest,
    refine,
    requireAdvancedCount,
    type Sequence,
} from "./odata";

type DirectoryObject = Record<string, unknown> & { id: string; displayName?: unknown };
type Member = { type: DirectoryMemberType; object: DirectoryObject };

/** Collection-valued group properties read as empty lists when unset; the others as null. */
const listProperties = new Set([
    "groupTypes",
    "proxyAddresses",
    "resourceBehaviorOptions",
    "resourceProvisioningOptions",
    "onPremisesProvisioningErrors",
    "businessPhones",
]);

function withDefaults(object: DirectoryObject, properties: readonly string[]): DirectoryObject {
    const view: Record<string, unknown> = {};
    for (const name of properties) view[name] = object[name] ?? (listProperties.has(name) ? [] : null);
    return { ...view, id: object.id };
}

/** What Graph returns for a group without `$select`: its default properties; `members` and the emulator's own fields stay out. */
function groupView(group: DirectoryGroupRecord): DirectoryObject {
    return withDefaults(group, groupDefaultProperties);
}

function memberView({ type, object }: Member): DirectoryObject {
    if (type === "microsoft.graph.user") return withDefaults(object, userDefaultProperties);
    if (type === "microsoft.graph.group") return groupView(object as DirectoryGroupRecord);
    return { ...object };
}

function findGroup(directory: Directory, id: string): DirectoryGroupRecord {
    const group = directory.groups.find((g) => g.id === id);
    if (!group)
        throw new GraphError(
            404,
            "Request_ResourceNotFound",
            `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        );
    return group;
}

/** The group's direct members of the given types: its listed members, then its generated users. */
function membersOf(
    directory: Directory,
    group: DirectoryGroupRecord,
    types: readonly DirectoryMemberType[],
): Sequence<Member> {
    const known: Array<[DirectoryMemberType, DirectoryObject[]]> = [
        ["microsoft.graph.user", directory.users],
        ["microsoft.graph.group", directory.groups],
        ["microsoft.graph.device", directory.devices ?? []],
        ["microsoft.graph.servicePrincipal", directory.servicePrincipals ?? []],
    ];
    const listed = group.members.flatMap((id): Member[] => {
        for (const [type, objects] of known) {
            const object = objects.find((o) => o.id === id);
            if (object) return types.includes(type) ? [{ type, object }] : [];
        }
        return [];
    });
    const generated = types.includes("microsoft.graph.user") ? (group.generatedUsers ?? 0) : 0;
    return {
        length: listed.length + generated,
        slice(start, end) {
            const fromListed = listed.slice(start, end);
            const first = Math.max(start - listed.length, 0);
            const last = Math.max(end - listed.length, 0);
            const fromGenerated = Array.from(
                { length: Math.max(Math.min(last, generated) - first, 0) },
                (_, i): Member => ({
                    type: "microsoft.graph.user",
                    object: generatedUser(group, first + i),
                }),
            );
            return [...fromListed, ...fromGenerated];
        },
    };
}

/** `microsoft.graph.user` etc.; any other cast is refused as Learn documents ("Request_UnsupportedQuery"). */
function castType(segment: string): DirectoryMemberType {
    const type = directoryMemberTypes.find((t) => t === segment);
    if (!type) throw unsupportedQuery(`The type '${segment}' is not a supported member type of this relationship.`);
    return type;
}

const contextOf = (req: ODataRequest, entitySet: string) => `${req.origin}/graph/v1.0/$metadata#${entitySet}`;

/** Graph's directory expands at most 20 related objects (Learn, "Known issues": $expand on directory objects). */
const expandLimit = 20;

function groupAnswer(directory: Directory): Answer<DirectoryGroupRecord> {
    return {
        type: graphTypes.group,
        service: "directory",
        stored: (group) => group,
        navigation: (group, name) =>
            name === "members"
                ? membersOf(directory, group, directoryMemberTypes)
                      .slice(0, expandLimit)
                      .map((m) => ({ "@odata.type": `#${m.type}`, ...memberView(m) }))
                : undefined,
    };
}

export function listGroups(directory: Directory, req: ODataRequest): Reply {
    const answer = groupAnswer(directory);
    checkShapeOptions(req, answer);
    const groups = refine(req, arraySequence(directory.groups), (g) => g.displayName);
    return { status: 200, body: collectionPage(req, groups, groupView, answer, contextOf(req, "groups")) };
}

export function getGroup(directory: Directory, req: ODataRequest, groupId: string): Reply {
    const group = findGroup(directory, groupId);
    return {
        status: 200,
        body: entityBody(req, group, groupView(group), groupAnswer(directory), contextOf(req, "groups/$entity")),
    };
}

/** The members of a group are directory objects; a cast declares them of its type. */
function memberAnswer(type?: DirectoryMemberType): Answer<Member> {
    const model =
        type === "microsoft.graph.user"
            ? graphTypes.user
            : type === "microsoft.graph.group"
              ? graphTypes.group
              : graphTypes.directoryObject;
    return { type: model, service: "directory", stored: (m) => m.object };
}

function members(
    directory: Directory,
    req: ODataRequest,
    groupId: string,
    types: readonly DirectoryMemberType[],
): Sequence<Member> {
    return refine(
        req,
        membersOf(directory, findGroup(directory, groupId), types),
        (m) => m.object.displayName as string | undefined,
    );
}

export function listMembers(directory: Directory, req: ODataRequest, groupId: string): Reply {
    const view = (member: Member) => ({ "@odata.type": `#${member.type}`, ...memberView(member) });
    const answer = memberAnswer();
    checkShapeOptions(req, answer);
    return {
        status: 200,
        body: collectionPage(
            req,
            members(directory, req, groupId, directoryMemberTypes),
            view,
            answer,
            contextOf(req, "directoryObjects"),
        ),
    };
}

export function countMembers(directory: Directory, req: ODataRequest, groupId: string): Reply {
    requireAdvancedCount(req);
    return countReply(members(directory, req, groupId, directoryMemberTypes).length);
}

export function listMembersOfType(directory: Directory, req: ODataRequest, groupId: string, cast: string): Reply {
    const type = castType(cast);
    const entitySet = `${type.slice("microsoft.graph.".length)}s`;
    const answer = memberAnswer(type);
    checkShapeOptions(req, answer);
    return {
        status: 200,
        body: collectionPage(
            req,
            members(directory, req, groupId, [type]),
            memberView,
            answer,
            contextOf(req, entitySet),
        ),
    };
}

export function countMembersOfType(directory: Directory, req: ODataRequest, groupId: string, cast: string): Reply {
    const type = castType(cast);
    requireAdvancedCount(req);
    return countReply(members(directory, req, groupId, [type]).length);
}
