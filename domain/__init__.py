"""The rules of Chancery: relations judged in valid time, the application that keeps the log."""

from domain.application import Chancery
from domain.cache import EntriesReader, StoredEntry
from domain.directory import Entity, entity_id
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
from domain.written import Keyed, Written

__all__ = [
    "AliasesAdded",
    "AlreadyRetracted",
    "BatchRejected",
    "Chancery",
    "ChanceryError",
    "Contended",
    "DuplicateEntity",
    "EntriesReader",
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
    "StoredEntry",
    "UnknownEntity",
    "VersionMismatch",
    "Written",
    "entity_id",
    "fold_on",
    "pending_on",
    "relation_id",
    "relation_key",
    "to_fact",
]
