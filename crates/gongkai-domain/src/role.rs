//! Roles, grants and the permission table.
//!
//! Scope is the exact body of a grant: a grant on a city body does not reach
//! its districts or departments. Only the city office (政务公开办) and the
//! auditor act on every body.

use serde::{Deserialize, Serialize};

str_enum! {
    /// Staff role (角色).
    pub enum Role {
        /// 信息员: drafts and submits items of its body.
        Officer => "officer", "信息员";
        /// 审核员: reviews, edits and withdraws items of its body.
        Reviewer => "reviewer", "审核员";
        /// 单位管理员: manages the users of its body.
        BodyAdmin => "body_admin", "单位管理员";
        /// 政务公开办: the city's open-government office, may do everything everywhere.
        CityOffice => "city_office", "政务公开办";
        /// 审计员: reads the audit log of every body, nothing else.
        Auditor => "auditor", "审计员";
    }
}

str_enum! {
    /// Something a staff user may try to do (操作).
    pub enum Action {
        ViewDrafts => "view_drafts", "查看草稿";
        CreateItem => "create_item", "新建信息";
        EditItem => "edit_item", "编辑信息";
        SubmitItem => "submit_item", "提交审核";
        ReviewItem => "review_item", "审核信息";
        WithdrawItem => "withdraw_item", "撤回信息";
        ManageUsers => "manage_users", "管理用户";
        ManageOrganisations => "manage_organisations", "管理机构";
        ReadAudit => "read_audit", "查看审计日志";
        ManageTaxonomy => "manage_taxonomy", "管理分类";
        /// See applications and their applicants' details (依申请公开).
        ViewApplications => "view_applications", "查看申请";
        /// Register paper applications and handle them: supplements, consultations, drafts.
        HandleApplication => "handle_application", "办理申请";
        /// Review draft replies and approve the one extension (第三十三条).
        ApproveApplication => "approve_application", "审核答复";
        /// Report progress on work-plan tasks and write the body's year-end report (督查).
        ReportProgress => "report_progress", "报送落实情况";
        /// Import work plans and supervise them: review reports, mark tasks done.
        SupervisePlans => "supervise_plans", "督查工作要点";
    }
}

/// Where a role may perform an action (权限范围).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleScope {
    /// Only on the body named in the grant (本单位).
    OwnBody,
    /// On every body (全市).
    AnyBody,
}

impl Role {
    /// The permission table: `None` if the role may not perform the action at all.
    pub const fn scope_for(self, action: Action) -> Option<RoleScope> {
        use Action::*;
        match self {
            Role::CityOffice => Some(RoleScope::AnyBody),
            Role::Auditor => match action {
                ReadAudit => Some(RoleScope::AnyBody),
                _ => None,
            },
            Role::Officer => match action {
                ViewDrafts | CreateItem | EditItem | SubmitItem | ViewApplications
                | HandleApplication | ReportProgress => Some(RoleScope::OwnBody),
                _ => None,
            },
            Role::Reviewer => match action {
                ViewDrafts | ReviewItem | WithdrawItem | EditItem | ViewApplications
                | ApproveApplication => Some(RoleScope::OwnBody),
                _ => None,
            },
            Role::BodyAdmin => match action {
                ViewDrafts | ManageUsers | ViewApplications | ReportProgress => {
                    Some(RoleScope::OwnBody)
                }
                _ => None,
            },
        }
    }
}

/// A role held on one body (授权).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub body_id: i64,
}

impl Grant {
    /// Whether this single grant allows `action` on `body_id`.
    pub fn allows(&self, action: Action, body_id: i64) -> bool {
        match self.role.scope_for(action) {
            Some(RoleScope::AnyBody) => true,
            Some(RoleScope::OwnBody) => self.body_id == body_id,
            None => false,
        }
    }
}

/// An authenticated staff user (操作人) with the roles granted to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub login: String,
    pub grants: Vec<Grant>,
}

impl Actor {
    /// Whether any grant allows `action` on `body_id`.
    pub fn can(&self, action: Action, body_id: i64) -> bool {
        self.grants.iter().any(|g| g.allows(action, body_id))
    }

    /// Whether the actor holds the city-office role (on any body).
    pub fn is_city_office(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::CityOffice)
    }

    /// Whether some grant allows `action` on every body (city office, or auditor for
    /// [`Action::ReadAudit`]). When true, [`Actor::bodies_with`] is not exhaustive.
    pub fn can_everywhere(&self, action: Action) -> bool {
        self.grants
            .iter()
            .any(|g| g.role.scope_for(action) == Some(RoleScope::AnyBody))
    }

    /// Bodies named in grants whose role allows `action`, sorted and without
    /// duplicates. Check [`Actor::can_everywhere`] first for list filters: a city
    /// office grant lists only its own body here although it reaches every body.
    pub fn bodies_with(&self, action: Action) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .grants
            .iter()
            .filter(|g| g.role.scope_for(action).is_some())
            .map(|g| g.body_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Roles held on exactly this body.
    pub fn roles_on(&self, body_id: i64) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .grants
            .iter()
            .filter(|g| g.body_id == body_id)
            .map(|g| g.role)
            .collect();
        roles.sort_unstable();
        roles.dedup();
        roles
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    const OWN: i64 = 7;
    const OTHER: i64 = 8;

    fn actor(grants: &[(Role, i64)]) -> Actor {
        Actor {
            user_id: 1,
            login: "u".into(),
            grants: grants
                .iter()
                .map(|&(role, body_id)| Grant { role, body_id })
                .collect(),
        }
    }

    /// `expected` = (allowed on own body, allowed on another body).
    fn check(role: Role, action: Action, expected: (bool, bool)) {
        let a = actor(&[(role, OWN)]);
        let got = (a.can(action, OWN), a.can(action, OTHER));
        assert_eq!(got, expected, "{role:?} × {action:?}");
    }

    #[test]
    fn exhaustive_permission_table() {
        const Y: (bool, bool) = (true, false); // own body only
        const A: (bool, bool) = (true, true); // every body
        const N: (bool, bool) = (false, false);
        #[rustfmt::skip]
        let table: [(Role, [(bool, bool); 15]); 5] = [
            //                   View Create Edit Submit Review Withdraw Users Orgs Audit Taxonomy AppView AppHandle AppApprove Progress Supervise
            (Role::Officer,    [Y,   Y,     Y,   Y,     N,     N,       N,    N,   N,    N,       Y,      Y,        N,         Y,       N]),
            (Role::Reviewer,   [Y,   N,     Y,   N,     Y,     Y,       N,    N,   N,    N,       Y,      N,        Y,         N,       N]),
            (Role::BodyAdmin,  [Y,   N,     N,   N,     N,     N,       Y,    N,   N,    N,       Y,      N,        N,         Y,       N]),
            (Role::CityOffice, [A,   A,     A,   A,     A,     A,       A,    A,   A,    A,       A,      A,        A,         A,       A]),
            (Role::Auditor,    [N,   N,     N,   N,     N,     N,       N,    N,   A,    N,       N,      N,        N,         N,       N]),
        ];
        let actions = [
            ViewDrafts,
            CreateItem,
            EditItem,
            SubmitItem,
            ReviewItem,
            WithdrawItem,
            ManageUsers,
            ManageOrganisations,
            ReadAudit,
            ManageTaxonomy,
            ViewApplications,
            HandleApplication,
            ApproveApplication,
            ReportProgress,
            SupervisePlans,
        ];
        assert_eq!(actions, Action::ALL);
        assert_eq!(table.map(|(r, _)| r), Role::ALL);
        for (role, row) in table {
            for (action, expected) in actions.into_iter().zip(row) {
                check(role, action, expected);
            }
        }
    }

    #[test]
    fn only_city_office_manages_organisations_and_taxonomy() {
        for role in Role::ALL {
            let a = actor(&[(role, OWN)]);
            let expect = role == Role::CityOffice;
            assert_eq!(a.can(ManageOrganisations, OWN), expect);
            assert_eq!(a.can(ManageTaxonomy, OWN), expect);
        }
    }

    #[test]
    fn no_grants_no_rights() {
        let a = actor(&[]);
        for action in Action::ALL {
            assert!(!a.can(action, OWN));
            assert!(!a.can_everywhere(action));
            assert!(a.bodies_with(action).is_empty());
        }
        assert!(!a.is_city_office());
    }

    #[test]
    fn several_grants_combine() {
        let a = actor(&[(Role::Officer, 3), (Role::Reviewer, 5), (Role::Officer, 1)]);
        assert!(a.can(CreateItem, 3));
        assert!(a.can(CreateItem, 1));
        assert!(!a.can(CreateItem, 5));
        assert!(a.can(ReviewItem, 5));
        assert!(!a.can(ReviewItem, 3));
        assert_eq!(a.bodies_with(ViewDrafts), vec![1, 3, 5]);
        assert_eq!(a.bodies_with(CreateItem), vec![1, 3]);
        assert_eq!(a.bodies_with(ReviewItem), vec![5]);
        assert!(a.bodies_with(ManageUsers).is_empty());
        assert!(!a.can_everywhere(ViewDrafts));
        assert_eq!(a.roles_on(5), vec![Role::Reviewer]);
    }

    #[test]
    fn global_roles() {
        let city = actor(&[(Role::CityOffice, 1)]);
        assert!(city.is_city_office());
        assert!(city.can_everywhere(ManageTaxonomy));
        assert!(city.can(EditItem, 999));
        assert_eq!(city.bodies_with(EditItem), vec![1]);
        let auditor = actor(&[(Role::Auditor, 1)]);
        assert!(!auditor.is_city_office());
        assert!(auditor.can_everywhere(ReadAudit));
        assert!(!auditor.can_everywhere(ViewDrafts));
        assert!(auditor.bodies_with(ViewDrafts).is_empty());
    }

    fn check_parse(raw: &str, expected: Option<Role>) {
        assert_eq!(Role::parse(raw), expected, "{raw:?}");
    }

    #[test]
    fn role_names() {
        check_parse("officer", Some(Role::Officer));
        check_parse("reviewer", Some(Role::Reviewer));
        check_parse("body_admin", Some(Role::BodyAdmin));
        check_parse("city_office", Some(Role::CityOffice));
        check_parse("auditor", Some(Role::Auditor));
        check_parse("审计员", Some(Role::Auditor));
        check_parse("政务公开办", Some(Role::CityOffice));
        check_parse("admin", None);
        let labels = Role::ALL.map(Role::label_zh);
        assert_eq!(
            labels,
            ["信息员", "审核员", "单位管理员", "政务公开办", "审计员"]
        );
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }
}
