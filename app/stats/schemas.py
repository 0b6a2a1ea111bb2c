from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class LevelShare(BaseModel):
    level: str
    level_label: str
    total: int = Field(description="已发布事项数")
    online: int = Field(description="网办深度 ≥ 3 的事项数")
    share: float = Field(description="网办比例 0–1")
    target: float | None = Field(description="规划目标（省级 0.9，市县 0.8），无目标为 null")
    meets_target: bool | None


class DepartmentCount(BaseModel):
    department: str
    total: int
    by_status: dict[str, int]


class ProcessingTime(BaseModel):
    completed_cases: int = Field(description="已受理且已办结的办件数")
    average_workdays: float | None = Field(description="受理到办结的平均工作日，无样本为 null")


class Satisfaction(BaseModel):
    ratings: int = Field(description="评价数（每件首次评价）")
    satisfied: int = Field(description="4–5 分（满意、非常满意）")
    rate: float | None = Field(description="满意率 0–1，无评价为 null")
    by_score: dict[str, int]


class RectificationCounts(BaseModel):
    open: int
    responded: int
    overdue: int = Field(description="超期未反馈（含在 open 内）")


class OverviewOut(BaseModel):
    as_of: date
    online_by_level: list[LevelShare]
    applications_by_status: dict[str, int]
    applications_by_department: list[DepartmentCount]
    processing_time: ProcessingTime
    overdue: int = Field(description="计时中已超期的办件数")
    satisfaction: Satisfaction
    rectifications: RectificationCounts
