"""What the national portal (Cổng Dịch vụ công quốc gia, DVCQG) is sent, and what it refuses.

No official specification is public. This is our reading of two open systems that talk to
it: OpenCPS v2 (`DVCQGIntegrationActionImpl`, branch release-candidate-3.0) and a Thanh Hóa
province system (`SyncLocalDataToDVCQG`, `ketnoi.json`). Check the field names and reply
codes against the province's own integration documents before going live; the codes below
are settings for that reason.

**Transport.** JSON over HTTPS POST, behind the government gateway (LGSP/NGSP), which routes
on a `dstcode` header. A session first: `{"username", "password"}` to the auth endpoint
answers `{"error_code": "0", "session": "..."}`. Then every request to the integration
endpoint is `{"session", "madonvi", "service": <name>, ...}`, `madonvi` being the province's
agency code. OpenCPS waits 6 s for an answer.

**Services.**
- `DongBoHoSoMC`: `{"isUpdating": "False"|"True", "data": [case record, ...]}`, a case new
  or updated; the portal keys it on `MaHoSo`, so sending the full state twice is harmless.
- `CapNhatTienDoHoSoMC`: `{"data": [progress row, ...]}` (Thanh Hóa: 10 rows at most).
- `TraCuuHoSo`: `{"mahoso": ...}` answers `{"result": [case record]}`, empty if unknown.
- `LayThuTuc`: `{"maTTHC": ...}` answers `{"result": [{"MATTHC", "TENTTHC",
  "LINHVUCTHUCHIEN": [{"MALINHVUC", "TENLINHVUC"}], "CACHTHUCTHUCHIEN": [{"KENH",
  "THOIGIAN": [{"THOIGIANGIAIQUYET", "DONVITINH", "MOTA", "PHILEPHI": [{"MAPHILEPHI",
  "SOTIEN", "DONVI", "MOTA"}]}]}], ...}]}`.
- `DongBoDanhGia`: `{"data": [{"NgayTongHop": "M-YYYY", "TongSoNguoiDanhGia",
  "PhanTramDanhGiaRatHaiLong": "n%", "PhanTramDanhGiaHaiLong", "PhanTramDanhGiaChuaHaiLong",
  "MaThuTuc", "NoiDung", "DanhSachNoiDungYKien", "Madonvi", "TenDonVi"}]}`, monthly.

**Replies** `{"error_code", "message"}`: `"0"` success; `"3"` or `"-3"` with "đã tồn tại" in
the message: the case exists already, send it as an update (`isUpdating` "True"). Which codes
mean "session expired" and "try again later" is not shown by either system:
`DVCQG_AUTH_ERROR_CODES` and `DVCQG_RETRY_CODES` (our simulator answers `-1` and `-9`). Any
other code is a refusal; the simulator answers `-2` for an invalid field, naming it.

**A case record** (fields as both systems send them; dates `yyyyMMddHHmmss`, Vietnam time,
empty when unknown; numbers as strings): `MaHoSo` (our case code; it must start with an
agency code of the province: its last part, e.g. H38, is that of `madonvi`), `MaTTHC`,
`TenTTHC`, `MaLinhVuc`, `TenLinhVuc`, `KenhThucHien` (1 counter, 2 online, 3 post),
`ChuHoSo`, `LoaiDoiTuong` (1 citizen, 2 business), `MaDoiTuong` (the national account's
TechID, online only), `SoGiayToChuHoSo`, `DinhDanhCHS` (`[{"LoaiDinhDanh": "1" for a 12-digit
ID, "2" for a 9-digit one, "SoDinhDanh"}]`), `Email`, `SoDienThoai`, `TrichYeuHoSo` (≤ 1000
characters), `NgayNopHoSo`, `NgayTiepNhan`, `NgayHenTra`, `TrangThaiHoSo` (1–10, DOMAIN.md),
`NgayTra`, `ThongTinTra`, `HinhThuc` (OpenCPS: 1 by post, else 0), `NgayKetThucXuLy`,
`DonViXuLy`, `NoiNopHoSo`, `NgayTuChoi`, `HoSoCoThanhPhanSoHoa`,
`TaiKhoanDuocXacThucVoiVNeID`, `DuocThanhToanTrucTuyen` (0/1), `TaiLieuNop` (`[{"TepDinhKemId",
"TenTepDinhKem", "IsDeleted", "MaThanhPhanHoSo", "DuongDanTaiTepTin", "DuocSoHoa",
"DuocTaiSuDung"}]`), `DanhSachLePhi` (`[{"TenPhiLePhi", "MaPhiLePhi", "HinhThucThu", "Gia",
"LoaiPhiLePhi"}]`), `DanhSachGiayToKetQua` (`[{"TenGiayTo", "MaThanhPhanHoSo", "GiayToId",
"DuongDanTepTinKetQua"}]`).

**A progress row**: `MaHoSo`, `NguoiXuLy` (≤ 50 characters), `ChucDanh`, `ThoiDiemXuLy`,
`PhongBanXuLy`, `NoiDungXuLy`, `TrangThai` (1–10), `NgayBatDau`, `NgayKetThucTheoQuyDinh`.

Ours, where the sources are silent: `NoiNopHoSo` 1 at a desk, 2 online; `MaLinhVuc`,
`TenLinhVuc` and `MaDoiTuong` empty (our catalogue keeps no field of procedures, and no
TechID yet); scans are listed without a download link (Onestop never publishes them); a
signed result is listed with its public verification page.
"""

import re
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from cases.models import Channel, ReturnChannel, Status
from cases.workflow import reason_is_public
from cases.working_time import VN_TZ

from .models import Service

DATE_FORMAT = "%Y%m%d%H%M%S"
CHANNELS = {Channel.COUNTER: "1", Channel.ONLINE: "2", Channel.POST: "3"}

SYSTEM_NAME = "Hệ thống một cửa điện tử"

# What each step says on the portal's timeline, and the title of who takes it.
STEP_WORDS = {
    "submit": ("Nộp hồ sơ", "Người nộp hồ sơ"),
    "accept": ("Tiếp nhận hồ sơ", "Cán bộ một cửa"),
    "reject": ("Từ chối tiếp nhận hồ sơ", "Cán bộ một cửa"),
    "assign": ("Phân công xử lý", "Lãnh đạo"),
    "claim": ("Nhận xử lý hồ sơ", "Chuyên viên"),
    "request-supplement": ("Yêu cầu bổ sung hồ sơ", "Cán bộ xử lý"),
    "supplement-received": ("Tiếp nhận hồ sơ bổ sung", "Cán bộ một cửa"),
    "transfer": ("Chuyển xử lý", "Chuyên viên"),
    "submit-result": ("Trình kết quả giải quyết", "Chuyên viên"),
    "send-back": ("Trả lại để xử lý lại", "Lãnh đạo"),
    "sign": ("Phê duyệt kết quả giải quyết", "Lãnh đạo"),
    "stop": ("Dừng xử lý hồ sơ", "Chuyên viên"),
    "withdraw": ("Rút hồ sơ", ""),
    "apologise": ("Xin lỗi và hẹn lại ngày trả kết quả", "Chuyên viên"),
    "return": ("Trả kết quả", "Cán bộ một cửa"),
    "request-payment": ("Yêu cầu thực hiện nghĩa vụ tài chính", ""),
    "payment-confirmed": ("Đã thực hiện nghĩa vụ tài chính", ""),
    "payment": ("Thanh toán phí, lệ phí", ""),
    "reorganise": ("Chuyển cơ quan giải quyết do sắp xếp tổ chức bộ máy", SYSTEM_NAME),
}
MAX_HANDLER = 50  # NguoiXuLy (Thanh Hóa cuts it there)
MAX_SUMMARY = 1000  # TrichYeuHoSo

_ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
_PHONE = re.compile(r"^(0\d{9}|84\d{9})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.[0-9A-Z]+)*$")
_CASE_CODE = re.compile(
    r"^(?P<agency>[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3})-\d{6}-\d{4,}$"
)
_DATE = re.compile(r"^\d{14}$")
_STATUSES = {str(n) for n in range(1, 11)}


def timestamp(moment: datetime | None) -> str:
    """`yyyyMMddHHmmss` in Vietnam time; empty for no date."""
    return timezone.localtime(moment, VN_TZ).strftime(DATE_FORMAT) if moment else ""


def parse_timestamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None


def province() -> str:
    """The province's part of an agency code (H38): that of `madonvi`."""
    return settings.DVCQG_AGENCY_CODE.rsplit(".", 1)[-1]


def phone(text: str) -> str:
    """A phone number as the portal takes it: digits only (+84 written 84)."""
    return re.sub(r"[\s.\-()+]", "", text or "")


def _identity(id_number: str) -> tuple[str, list]:
    """(LoaiDoiTuong, DinhDanhCHS): a 12- or 9-digit ID is a citizen's, a tax code a
    business's (which has no personal identifier)."""
    if len(id_number) == 12 and id_number.isdigit():
        return "1", [{"LoaiDinhDanh": "1", "SoDinhDanh": id_number}]
    if len(id_number) == 9 and id_number.isdigit():
        return "1", [{"LoaiDinhDanh": "2", "SoDinhDanh": id_number}]
    if _TAX_CODE.match(id_number):
        return "2", []
    return "1", [{"LoaiDinhDanh": "1", "SoDinhDanh": id_number}]  # refused before sending


def national_procedure_code(code: str) -> str:
    """A local copy of a procedure (`1.000656-0012`) is the national one before the dash."""
    return code.split("-", 1)[0]


def case_record(case, *, documents: list[dict], history: list[dict]) -> dict:
    """The full case record as the step left it (DongBoHoSoMC's data item).

    `documents`: `{"id", "name", "digitised", "reused"}` each; `history`: the case's steps
    so far, `{"action", "at", "data"}` each, for what only they tell (fees paid, the result).
    """
    procedure = case.procedure
    kind, identifiers = _identity(case.applicant_id_number)
    paid = [
        step["data"]
        for step in history
        if step["action"] in ("payment", "payment-confirmed")
        and step["data"].get("state") == "paid"
    ]
    signed = [
        step["data"]["document"]
        for step in history
        if step["action"] == "sign" and step["data"].get("document")
    ]
    finished = case.resolved_at or (case.closed_at if case.status != Status.REJECTED else None)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return {
        "MaHoSo": case.code or "",
        "MaTTHC": national_procedure_code(procedure.code),
        "TenTTHC": procedure.name,
        "MaLinhVuc": "",
        "TenLinhVuc": "",
        "KenhThucHien": CHANNELS.get(case.channel, ""),
        "ChuHoSo": case.applicant_full_name,
        "LoaiDoiTuong": kind,
        "MaDoiTuong": "",
        "SoGiayToChuHoSo": case.applicant_id_number,
        "DinhDanhCHS": identifiers,
        "Email": case.applicant_email or "",
        "Fax": "",
        "SoDienThoai": phone(case.applicant_phone),
        "TrichYeuHoSo": f"{procedure.name} - {case.applicant_full_name}"[:MAX_SUMMARY],
        "NgayNopHoSo": timestamp(case.submitted_at),
        "NgayTiepNhan": timestamp(case.received_at),
        "NgayHenTra": timestamp(case.appointment_at),
        "TrangThaiHoSo": str(case.national_status),
        "NgayTra": timestamp(case.returned_at),
        "ThongTinTra": "",
        "HinhThuc": "1" if case.return_channel == ReturnChannel.POST else "0",
        "NgayKetThucXuLy": timestamp(finished),
        "DonViXuLy": case.deciding_agency.name,
        "GhiChu": "",
        "NoiNopHoSo": "2" if case.channel == Channel.ONLINE else "1",
        "NgayTuChoi": timestamp(case.closed_at if case.status == Status.REJECTED else None),
        "HoSoCoThanhPhanSoHoa": "1" if any(d["digitised"] for d in documents) else "0",
        "TaiKhoanDuocXacThucVoiVNeID": "1" if case.applicant_verified else "0",
        "DuocThanhToanTrucTuyen": "1" if any(p.get("method") == "online" for p in paid) else "0",
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(d["id"]),
                "TenTepDinhKem": d["name"],
                "IsDeleted": "False",
                "MaThanhPhanHoSo": "",
                "DuongDanTaiTepTin": "",
                "DuocSoHoa": "1" if d["digitised"] else "0",
                "DuocTaiSuDung": "1" if d["reused"] else "0",
            }
            for d in documents
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": "Phí, lệ phí",
                "MaPhiLePhi": str(p.get("reference", "")),
                "HinhThucThu": "2" if p.get("method") == "online" else "1",
                "Gia": str(p.get("amount", 0)),
                "LoaiPhiLePhi": "1",
            }
            for p in paid
        ],
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": "Kết quả giải quyết thủ tục hành chính",
                "MaThanhPhanHoSo": "",
                "GiayToId": str(document),
                "DuongDanTepTinKetQua": f"{base}/verify/{document}/",
            }
            for document in signed
        ],
    }


def progress(case, event, *, handler: str, department: str) -> dict:
    """One step on the portal's timeline of the case (a CapNhatTienDoHoSoMC row).

    `handler`: who took it (a person's name; empty for the system); `department`: their
    agency's name.
    """
    words, title = STEP_WORDS.get(event.action, (event.action, ""))
    if event.reason and reason_is_public(event.action):
        words = f"{words}: {event.reason}"
    return {
        "MaHoSo": case.code or "",
        "NguoiXuLy": (handler or SYSTEM_NAME)[:MAX_HANDLER],
        "ChucDanh": title if handler else "",
        "ThoiDiemXuLy": timestamp(event.at),
        "PhongBanXuLy": department,
        "NoiDungXuLy": words,
        "TrangThai": str(Status(event.to_status).national_code),
        "NgayBatDau": timestamp(event.at),
        "NgayKetThucTheoQuyDinh": timestamp(case.appointment_at),
    }


def problems(service: str, item: dict) -> list[str]:
    """Why the portal would refuse this data item: checked before it is sent, so a refusal
    is named here, not guessed from a reply. Empty when it looks right."""
    found = []
    code = item.get("MaHoSo", "")
    matched = _CASE_CODE.match(code)
    if not matched:
        found.append(f"MaHoSo: {code!r} is not a case code (agency-yyMMdd-NNNN)")
    elif not matched["agency"].endswith("." + province()):
        found.append(
            f"MaHoSo: {code!r} does not start with an agency code of the province {province()}"
        )
    if service == Service.PROGRESS:
        if not item.get("NguoiXuLy"):
            found.append("NguoiXuLy: empty")
        if not _DATE.match(item.get("ThoiDiemXuLy", "")):
            found.append("ThoiDiemXuLy: not yyyyMMddHHmmss")
        if item.get("TrangThai") not in _STATUSES:
            found.append(f"TrangThai: {item.get('TrangThai')!r} is not 1-10")
        return found
    if not _PROCEDURE_CODE.match(item.get("MaTTHC", "")):
        found.append(f"MaTTHC: {item.get('MaTTHC')!r} is not a national procedure code")
    if not item.get("TenTTHC"):
        found.append("TenTTHC: empty")
    if not item.get("ChuHoSo"):
        found.append("ChuHoSo: empty")
    number = item.get("SoGiayToChuHoSo", "")
    if not (_ID_NUMBER.match(number) or _TAX_CODE.match(number)):
        found.append(
            f"SoGiayToChuHoSo: {number!r} is neither a 12- or 9-digit ID number nor a tax code"
        )
    if item.get("SoDienThoai") and not _PHONE.match(item["SoDienThoai"]):
        found.append(f"SoDienThoai: {item['SoDienThoai']!r} is not a Vietnamese phone number")
    if item.get("Email") and not _EMAIL.match(item["Email"]):
        found.append(f"Email: {item['Email']!r} is not an e-mail address")
    if item.get("KenhThucHien") not in ("1", "2", "3"):
        found.append(f"KenhThucHien: {item.get('KenhThucHien')!r} is not 1, 2 or 3")
    if item.get("TrangThaiHoSo") not in _STATUSES:
        found.append(f"TrangThaiHoSo: {item.get('TrangThaiHoSo')!r} is not 1-10")
    if not _DATE.match(item.get("NgayTiepNhan", "")):
        found.append("NgayTiepNhan: not yyyyMMddHHmmss")
    for name in ("NgayNopHoSo", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "NgayTuChoi"):
        if item.get(name) and not _DATE.match(item[name]):
            found.append(f"{name}: not yyyyMMddHHmmss")
    return found
