//! Receiving an application: the public form (online, no account) and registration by an
//! officer of paper, letter, fax, e-mail and in-person applications with their legal receipt
//! date (第三十一条).

use chrono::{Datelike, NaiveDate};
use gongkai_domain::FieldError;
use gongkai_domain::application::{
    ApplicationStatus, Channel, ClockEvent, DeliveryForm, RequesterType, clock,
};
use gongkai_domain::org::{credit_code_valid, looks_like_credit_code};
use gongkai_domain::role::{Action, Actor};
use gongkai_store::applications::{self as store, NewApplication, NewEvent};
use gongkai_store::audit;
use serde::Deserialize;

use super::letters;
use crate::{App, AppError, AppResult, Origin, now_ms, today};

/// A public form sent again within this time with the same applicant, body and description is
/// the same application (a double click, a reloaded confirmation page), not a second one.
const DUPLICATE_WINDOW_MS: i64 = 10 * 60 * 1000;

/// What the applicant (or the registering officer) fills in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    /// 自然人 / 商业企业 / 科研机构 / 社会公益组织 / 法律服务机构 / 其他 (or the English codes).
    pub requester_type: String,
    /// Applicant's name, or the organisation's name.
    pub name: String,
    /// Identity document number of a natural person (身份证明).
    pub id_document: String,
    /// Unified social credit code of an organisation.
    pub org_code: String,
    /// Contact person of an organisation.
    pub contact_person: String,
    /// A phone number or an e-mail address (either is enough).
    pub contact: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// 所需政府信息的名称、文号或者便于查询的其他特征性描述.
    pub description: String,
    pub purpose: String,
    /// 获取信息的方式: paper, email, electronic, pickup, post (or the Chinese labels).
    pub delivery: String,
    /// Code of the body applied to.
    pub body_code: String,
    /// Staff registration only: the legal receipt date.
    pub received_on: Option<String>,
    /// Staff registration only: online, in_person, post, fax, email.
    pub channel: Option<String>,
}

/// What the applicant keeps: the tracking number and the secret code (shown once).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    pub id: i64,
    pub tracking_number: String,
    pub secret_code: String,
    pub reply_due_on: Option<NaiveDate>,
    /// The same form had just been sent: nothing new was registered, and the application's
    /// access code was made anew (the first reply may never have reached the applicant).
    pub repeated: bool,
}

/// Files an applicant may attach (ID scans, a power of attorney…).
const MAX_FILES: usize = 5;

/// An unambiguous alphabet (no 0/O, 1/I/L) for codes people copy by hand.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn secret_code() -> String {
    let bytes = rand::random::<[u8; 8]>();
    let chars: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// The code as typed, without spaces, dashes or case differences.
pub(crate) fn normalise_secret(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if clean.len() == 8 {
        format!("{}-{}", &clean[..4], &clean[4..])
    } else {
        clean
    }
}

/// An error of the public form, which readers of the English portal fill in too.
fn err(field: &'static str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, zh).with_en(en)
}

fn looks_like_email(s: &str) -> bool {
    let Some((user, domain)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
}

/// A resident ID, passport or permit number: 6–30 letters and digits (a hyphen or brackets
/// allowed), at least one of them a digit.
fn looks_like_document_number(s: &str) -> bool {
    let n = s.chars().count();
    (6..=30).contains(&n)
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-()（）".contains(c))
}

fn looks_like_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " -+()（）".contains(c))
}

/// Validated intake values.
pub(crate) struct Checked {
    pub requester: RequesterType,
    pub delivery: DeliveryForm,
    pub phone: String,
    pub email: String,
}

impl ApplicationInput {
    /// Every field error at once, with Chinese messages naming the field.
    pub(crate) fn check(&mut self) -> Result<Checked, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.id_document = compact_number(&self.id_document);
        self.org_code = compact_number(&self.org_code);
        for f in [
            &mut self.name,
            &mut self.id_document,
            &mut self.org_code,
            &mut self.contact_person,
            &mut self.contact,
            &mut self.phone,
            &mut self.email,
            &mut self.address,
            &mut self.description,
            &mut self.purpose,
            &mut self.body_code,
        ] {
            *f = f.trim().to_owned();
        }
        let requester = RequesterType::parse(self.requester_type.trim());
        if requester.is_none() {
            errors.push(err(
                "requester_type",
                "请选择申请人类型（自然人或法人/其他组织的类别）",
                "Choose the type of applicant (an individual or a kind of organization)",
            ));
        }
        if self.name.is_empty() {
            errors.push(err(
                "name",
                "请填写申请人姓名或单位名称",
                "Enter your name or your organization's name",
            ));
        } else if self.name.chars().count() > 100 {
            errors.push(err(
                "name",
                "姓名或单位名称不超过100个字",
                "The name must be at most 100 characters",
            ));
        }
        // An 18-character resident ID number must carry a valid check digit (GB 11643); other
        // documents (passports, permits) need only look like a document number.
        let id: Vec<char> = self.id_document.chars().collect();
        if !id.is_empty() && !looks_like_document_number(&self.id_document) {
            errors.push(err(
                "id_document",
                "证件号码格式不正确（6–30 位字母或数字）",
                "This does not look like an ID document number (6–30 letters or digits)",
            ));
        } else if id.len() == 18 && id[..17].iter().all(char::is_ascii_digit) {
            let mut digits = [0u8; 17];
            for (d, c) in digits.iter_mut().zip(&id[..17]) {
                *d = c
                    .to_digit(10)
                    .and_then(|v| u8::try_from(v).ok())
                    .unwrap_or(0);
            }
            if !gongkai_domain::pii::id18_valid(&digits, id[17].to_ascii_uppercase()) {
                errors.push(err(
                    "id_document",
                    "身份证号码校验不通过，请核对",
                    "This resident ID number fails its check digit; please check it",
                ));
            }
        }
        if !self.org_code.is_empty() {
            if !looks_like_document_number(&self.org_code) {
                errors.push(err(
                    "org_code",
                    "组织机构证明号码格式不正确（6–30 位字母或数字，统一社会信用代码为 18 位）",
                    "This does not look like an organization number (6–30 letters or digits; a \
                     unified social credit code has 18)",
                ));
            } else if self.org_code.chars().count() == 18 && !looks_like_credit_code(&self.org_code)
            {
                errors.push(err(
                    "org_code",
                    "统一社会信用代码中没有字母 I、O、Z、S、V，请核对（是否把数字 0 打成了字母 O？）",
                    "A unified social credit code has no letters I, O, Z, S or V; please check it",
                ));
            } else if looks_like_credit_code(&self.org_code) && !credit_code_valid(&self.org_code) {
                errors.push(err(
                    "org_code",
                    "统一社会信用代码校验不通过，请核对",
                    "This unified social credit code fails its check character; please check it",
                ));
            }
        }
        match requester {
            Some(RequesterType::NaturalPerson) if self.id_document.is_empty() => {
                errors.push(err(
                    "id_document",
                    "请填写身份证件号码（《条例》第二十九条要求提供身份证明）",
                    "Enter the number of your ID document (Article 29 of the Regulations requires \
                     proof of identity)",
                ));
            }
            Some(r) if r.is_organisation() && self.org_code.is_empty() => {
                errors.push(err(
                    "org_code",
                    "请填写统一社会信用代码等组织机构证明",
                    "Enter the unified social credit code or other proof of the organization",
                ));
            }
            _ => {}
        }
        let (mut phone, mut email) = (self.phone.clone(), self.email.clone());
        if !self.contact.is_empty() {
            if looks_like_email(&self.contact) {
                email = self.contact.clone();
            } else {
                phone = self.contact.clone();
            }
        }
        if phone.is_empty() && email.is_empty() {
            errors.push(err(
                "contact",
                "请至少填写联系电话或电子邮箱之一",
                "Enter a telephone number or an e-mail address",
            ));
        }
        if !phone.is_empty() && !looks_like_phone(&phone) {
            errors.push(err(
                "phone",
                "联系电话格式不正确",
                "This is not a valid telephone number",
            ));
        }
        if !email.is_empty() && !looks_like_email(&email) {
            errors.push(err(
                "email",
                "电子邮箱格式不正确",
                "This is not a valid e-mail address",
            ));
        }
        let chars = self.description.chars().count();
        if chars < 5 {
            errors.push(err(
                "description",
                "请描述所需政府信息的名称、文号或其他特征（至少5个字）",
                "Describe the information: its title, document number or other features (at \
                 least 5 characters)",
            ));
        } else if chars > 5000 {
            errors.push(err(
                "description",
                "所需信息描述不超过5000字",
                "The description must be at most 5,000 characters",
            ));
        }
        if self.purpose.chars().count() > 1000 {
            errors.push(err(
                "purpose",
                "用途说明不超过1000字",
                "The purpose must be at most 1,000 characters",
            ));
        }
        let delivery = DeliveryForm::parse(self.delivery.trim());
        if delivery == Some(DeliveryForm::Post) && self.address.is_empty() {
            errors.push(err(
                "address",
                "选择邮寄的，请填写通信地址",
                "Enter a postal address for delivery by post",
            ));
        }
        if delivery.is_none() {
            errors.push(err(
                "delivery",
                "请选择获取信息的方式",
                "Choose how you want to receive the information",
            ));
        }
        if self.body_code.is_empty() {
            errors.push(err(
                "body_code",
                "请选择受理机关",
                "Choose the authority you are asking",
            ));
        }
        match (requester, delivery) {
            (Some(requester), Some(delivery)) if errors.is_empty() => Ok(Checked {
                requester,
                delivery,
                phone,
                email,
            }),
            _ => Err(errors),
        }
    }
}

impl App {
    /// Answers the same public form sent again with the application it made, under a new
    /// access code (the earlier one stops working): a double click or a reloaded receipt must
    /// not leave the applicant with a number and no code.
    async fn reissue_code(
        &self,
        mut tx: gongkai_store::Tx,
        origin: &Origin,
        actor: &str,
        first: store::ApplicationRow,
        secret: String,
        now: i64,
    ) -> AppResult<Receipt> {
        store::replace_secret(&mut tx, first.id, &self.code_hash(&secret), now).await?;
        let after = serde_json::json!({"tracking_number": first.tracking_number,
            "reason": "same form sent again"});
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor,
                ip: &origin.ip,
                action: "application.code_reissued",
                entity: "application",
                entity_id: &first.id.to_string(),
                before: "",
                after: &after.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Receipt {
            id: first.id,
            reply_due_on: first.reply_due_on.as_deref().and_then(|d| d.parse().ok()),
            tracking_number: first.tracking_number,
            secret_code: secret,
            repeated: true,
        })
    }

    /// Receives an application. Without an actor it is the public online form (channel
    /// online, received today); with one it is an officer registering an application that
    /// arrived by another channel on its legal receipt date.
    pub async fn submit_application(
        &self,
        actor: Option<&Actor>,
        origin: &Origin,
        mut input: ApplicationInput,
        files: &[(String, Vec<u8>)],
    ) -> AppResult<Receipt> {
        let checked = input.check().map_err(AppError::Validation)?;
        if files.len() > MAX_FILES {
            let error = FieldError::new("file", format!("附件最多{MAX_FILES}个"))
                .with_en(format!("Attach at most {MAX_FILES} files"));
            return Err(AppError::Validation(vec![error]));
        }
        let body = self.body_by_code(&input.body_code).await?;
        let (channel, received_on) = match actor {
            None => (Channel::Online, today()),
            Some(a) => {
                if !a.can(Action::HandleApplication, body.id) {
                    return Err(AppError::Forbidden);
                }
                registration_facts(&input)?
            }
        };
        let cal = self.calendar();
        let state = clock(
            &cal,
            &[ClockEvent::Received(received_on)],
            &self.clock_params(),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut accepted = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            accepted.push(self.accept_file(name, bytes).await?);
        }
        let secret = secret_code();
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        // Writers are serialised by `Db::begin` (SQLite's BEGIN IMMEDIATE, the audit head's row
        // lock on PostgreSQL), so the check below sees a submission committed just before.
        let serial = store::next_tracking_serial(&mut tx, received_on.year()).await?;
        let tracking = format!("YSQ-{}-{serial:06}", received_on.year());
        let since_day = (received_on - chrono::Days::new(1)).to_string();
        let new = NewApplication {
            tracking_number: tracking.clone(),
            secret_hash: self.code_hash(&secret),
            body_id: body.id,
            requester_type: checked.requester.as_str().to_owned(),
            name: input.name.clone(),
            id_document: input.id_document.clone(),
            org_code: input.org_code.clone(),
            contact_person: input.contact_person.clone(),
            phone: checked.phone,
            email: checked.email,
            address: input.address.clone(),
            description: input.description.clone(),
            purpose: input.purpose.clone(),
            delivery: checked.delivery.as_str().to_owned(),
            channel: channel.as_str().to_owned(),
            received_on: received_on.to_string(),
            status: ApplicationStatus::Registered.as_str().to_owned(),
            reply_due_on: state.reply_due.map(|d| d.to_string()),
            registered_by: actor.map(|a| a.user_id),
        };
        // The same form sent again (a page reloaded, a double click, a reply that never
        // arrived) registers nothing new, from the public or from an officer.
        if let Some(first) =
            store::recent_duplicate(&mut tx, &new, now - DUPLICATE_WINDOW_MS, &since_day).await?
        {
            let by = actor.map_or("applicant", |a| a.login.as_str());
            return self.reissue_code(tx, origin, by, first, secret, now).await;
        }
        let id = store::insert(&mut tx, &new, now).await?;
        let actor_name = actor.map_or("applicant", |a| a.login.as_str());
        store::insert_event(
            &mut tx,
            &NewEvent {
                application_id: id,
                kind: "received",
                on_date: &received_on.to_string(),
                actor: actor_name,
                note: channel.label_zh(),
                data: "{}",
                public: true,
            },
            now,
        )
        .await?;
        for f in &accepted {
            let size = i64::try_from(f.size).unwrap_or(i64::MAX);
            store::insert_file(
                &mut tx,
                id,
                &f.filename,
                f.content_type,
                size,
                &f.sha256,
                now,
            )
            .await?;
        }
        let ack =
            letters::acknowledgement(&tracking, &input, &body.name, received_on, state.reply_due);
        store::insert_letter(
            &mut tx,
            id,
            "acknowledgement",
            &ack.title,
            &ack.body,
            &received_on.to_string(),
            now,
        )
        .await?;
        let after = serde_json::json!({"tracking_number": tracking, "body": body.code,
            "channel": channel.as_str(), "received_on": received_on.to_string()});
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: actor_name,
                ip: &origin.ip,
                action: "application.receive",
                entity: "application",
                entity_id: &id.to_string(),
                before: "",
                after: &after.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Receipt {
            repeated: false,
            id,
            tracking_number: tracking,
            secret_code: secret,
            reply_due_on: state.reply_due,
        })
    }
}

/// Channel and receipt date of a registered application; the date may not be in the future.
fn registration_facts(input: &ApplicationInput) -> AppResult<(Channel, NaiveDate)> {
    let channel = input
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            Channel::parse(c).ok_or_else(|| {
                AppError::field(
                    "channel",
                    "提交方式应为 online、in_person、post、fax 或 email",
                )
            })
        })
        .transpose()?
        .unwrap_or(Channel::InPerson);
    let received_on = match input
        .received_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => today(),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::field("received_on", "收到日期格式应为 YYYY-MM-DD"))?,
    };
    if received_on > today() {
        return Err(AppError::field("received_on", "收到日期不能晚于今天"));
    }
    // The regulation in its revised form applies from 2019-05-15 (rules/applications.md).
    let earliest = NaiveDate::from_ymd_opt(2019, 5, 15).unwrap_or(received_on);
    if received_on < earliest {
        return Err(AppError::field(
            "received_on",
            format!("收到日期不能早于{earliest}"),
        ));
    }
    Ok((channel, received_on))
}

/// A number as typed with a Chinese input method, made plain: full-width letters and digits
/// half-width, spaces dropped, letters capital (a resident ID's x is X).
fn compact_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ApplicationInput {
        ApplicationInput {
            requester_type: "natural_person".into(),
            name: "张三".into(),
            id_document: "330902198001010011".into(),
            phone: "13800000000".into(),
            description: "2025年城乡居民最低生活保障资金发放明细".into(),
            delivery: "email".into(),
            body_code: "A".into(),
            ..ApplicationInput::default()
        }
    }

    fn fields(input: ApplicationInput) -> Vec<&'static str> {
        let mut input = input;
        input
            .check()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_application_passes() {
        assert!(fields(valid()).is_empty());
    }

    #[test]
    fn delivery_by_post_needs_an_address() {
        let by_post = ApplicationInput {
            delivery: "post".into(),
            ..valid()
        };
        assert_eq!(fields(by_post.clone()), ["address"]);
        let with_address = ApplicationInput {
            address: "海州市解放路1号".into(),
            ..by_post
        };
        assert!(fields(with_address).is_empty());
    }

    #[test]
    fn an_id_document_must_look_like_one() {
        for bad in [
            "abc",
            "12345",
            "abcdefgh",
            "33090219800101001X!",
            &"1".repeat(31),
        ] {
            let input = ApplicationInput {
                id_document: bad.into(),
                ..valid()
            };
            assert_eq!(fields(input), ["id_document"], "{bad}");
        }
        // Passports and permits are taken as written; a resident ID must pass its check digit.
        for good in [
            "E12345678",
            "H1234567890",
            "C01234567",
            "11010519491231002X",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105 19491231 002X",
        ] {
            let input = ApplicationInput {
                id_document: good.into(),
                ..valid()
            };
            assert!(fields(input).is_empty(), "{good}");
        }
        let wrong_check_digit = ApplicationInput {
            id_document: "330902198001010012".into(),
            ..valid()
        };
        assert_eq!(fields(wrong_check_digit), ["id_document"]);
    }

    #[test]
    fn numbers_are_kept_in_capitals() {
        let mut input = ApplicationInput {
            id_document: "11010519491231002x".into(),
            org_code: "９１３３０９００ma2a00000u".into(),
            ..valid()
        };
        assert!(input.check().is_ok());
        assert_eq!(input.id_document, "11010519491231002X");
        assert_eq!(input.org_code, "91330900MA2A00000U");
    }

    #[test]
    fn a_credit_code_must_carry_its_check_character() {
        for (code, ok) in [
            ("91330900MA2A00000U", true),
            // Another proof of the organisation, such as an old organisation code.
            ("123456789", true),
            ("91330900MA2A00000X", false),
            // The letter O typed for the digit 0.
            ("91330900MA2AOOOOOU", false),
            ("123", false),
        ] {
            let input = ApplicationInput {
                org_code: code.into(),
                ..valid()
            };
            let expected: &[&str] = if ok { &[] } else { &["org_code"] };
            assert_eq!(fields(input), expected, "{code}");
        }
    }
}
