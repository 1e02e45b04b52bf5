"""The rules of Chancery: relations judged in valid time, the application that keeps the log."""

from domain.application import Chancery, Entity, Keyed, Written, entity_id
from domain.errors import (
    AlreadyRetracted,
    BatchRejected,
    ChanceryError,
    Contended,
    DuplicateEntity,
    EventNotFound,
    IdempotencyKeyReused,
    InvalidRelation,
    StateRuleViolated,
    UnknownEntity,
    VersionMismatch,
)
from domain.history import Fact, State, fold_on, pending_on
from domain.records import AliasesAdded, EntityRegistered, EventRetracted, FactRecorded, RequestRecorded
from domain.relation import Relation, relation_id, relation_key, to_fact
from domain.store import DEFAULT_DATABASE_URL, BadDatabaseUrl, StoreUrl, parse_store_url

__all__ = [
    "AliasesAdded",
    "DEFAULT_DATABASE_URL",
    "AlreadyRetracted",
    "BadDatabaseUrl",
    "BatchRejected",
    "Chancery",
    "ChanceryError",
    "Contended",
    "DuplicateEntity",
    "Entity",
    "EntityRegistered",
    "EventNotFound",
    "EventRetracted",
    "Fact",
    "FactRecorded",
    "IdempotencyKeyReused",
    "Keyed",
    "InvalidRelation",
    "Relation",
    "RequestRecorded",
    "State",
    "StateRuleViolated",
    "StoreUrl",
    "UnknownEntity",
    "VersionMismatch",
    "Written",
    "entity_id",
    "fold_on",
    "parse_store_url",
    "pending_on",
    "relation_id",
    "relation_key",
    "to_fact",
]
